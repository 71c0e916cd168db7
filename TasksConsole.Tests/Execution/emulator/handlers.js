'use strict';

// Each event is the TasksConsole task being run: {id, functionName, data, priority, ..., retryForTaskIds?}.

class BoomError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BoomError';
  }
}

// Returns what it was given, so a test can see the payload went both ways.
exports.hello = async (event) => {
  console.log(`hello for task ${event.id}`);
  return { greeting: 'hello from serverless-offline', received: event.data };
};

// Throws. serverless-offline reports errorType "Error" whatever the class (AWS would say "BoomError").
exports.boom = async (event) => {
  throw new BoomError(`kaboom: ${JSON.stringify(event.data)}`);
};

// Sleeps data.ms milliseconds; past the function's 2 s timeout serverless-offline answers "[504] - Lambda timeout.".
exports.sleepy = async (event) => {
  const ms = (event.data && event.data.ms) || 0;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { slept: ms };
};

// Fails on the first data.failTimes attempts (default 2), counted from the task's retry chain, then succeeds.
exports.flaky = async (event) => {
  const attempt = (event.retryForTaskIds || []).length;
  const failTimes = (event.data && event.data.failTimes) ?? 2;
  if (attempt < failTimes) {
    throw new Error(`flaky: attempt ${attempt + 1} of ${failTimes + 1} fails`);
  }
  return { attempts: attempt + 1 };
};

// An API function: the event is an API Gateway payload-2.0 request ({version, rawPath, rawQueryString, headers,
// requestContext.http.method, body, isBase64Encoded}); the answer is a response object.
//   POST /items           201 with the item it was sent (JSON), and a Location header
//   GET  /items/{id}?q=   the id, the query string and the caller the server named
//   GET  /pixel           a binary body (base64, isBase64Encoded)
exports.api = async (event) => {
  const method = event.requestContext.http.method;
  console.log(`api ${method} ${event.rawPath}${event.rawQueryString}`);
  const json = (statusCode, body, headers = {}) => ({
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const item = /^\/items\/([^/]+)$/.exec(event.rawPath);
  if (method === 'POST' && event.rawPath === '/items') {
    const sent = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
    return json(201, { created: sent }, { location: `/items/${sent.id}` });
  }
  if (method === 'GET' && item) {
    return json(200, { id: item[1], query: event.rawQueryString, userId: event.headers['x-exh-requesting-user-id'] ?? null });
  }
  if (method === 'GET' && event.rawPath === '/pixel') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'image/gif' },
      body: Buffer.from('R0lGODlhAQABAAAAACw=', 'base64').toString('base64'),
      isBase64Encoded: true,
    };
  }
  return json(404, { message: `no route ${method} ${event.rawPath}` });
};
