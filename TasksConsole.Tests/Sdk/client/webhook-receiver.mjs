// A webhook receiver on a real port that checks every request with the standardwebhooks package, an
// implementation independent of the server's. It prints one JSON line per event on stdout:
//   {"event":"listening","port":N}
//   {"event":"received","id","timestamp","receivedAt","status","payload"}   (a valid signature)
//   {"event":"invalid","id","error"}                                        (answered 401)
// and reads commands on stdin, one per line:
//   SECRET whsec_...   the secret to verify with (until set, every request is invalid)
//   STATUS <code>      answer this status to valid requests from now on (default 204)
//   FAIL <n>           answer 500 to the next n valid requests, then STATUS again
import http from "node:http";
import readline from "node:readline";
import { Webhook } from "standardwebhooks";

let webhook = null;
let status = 204;
let failures = 0;

const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, value] = line.trim().split(/\s+/, 2);
  if (command === "SECRET") webhook = new Webhook(value);
  else if (command === "STATUS") status = Number(value);
  else if (command === "FAIL") failures = Number(value);
  print({ event: "ack", command });
});

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const id = request.headers["webhook-id"] ?? null;
    let payload;
    try {
      if (!webhook) throw new Error("no secret set yet");
      payload = webhook.verify(body, request.headers);
    } catch (error) {
      print({ event: "invalid", id, error: String(error?.message ?? error) });
      response.writeHead(401).end();
      return;
    }
    const answer = failures > 0 ? (failures--, 500) : status;
    print({
      event: "received",
      id,
      timestamp: Number(request.headers["webhook-timestamp"]),
      receivedAt: Date.now(),
      status: answer,
      payload,
    });
    response.writeHead(answer).end();
  });
});

server.listen(0, "127.0.0.1", () => print({ event: "listening", port: server.address().port }));
process.stdin.on("end", () => server.close(() => process.exit(0)));
