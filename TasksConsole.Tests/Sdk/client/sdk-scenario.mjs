// Drives a running TasksConsole with the unmodified @extrahorizon/javascript-sdk, the way an EXH customer would,
// and fails on the first behaviour the SDK would not accept. Run by TasksConsole.Tests/Sdk/JavaScriptSdkTests.cs;
// by hand: HOST=http://localhost:5080 CLIENT_ID=... USERNAME=... PASSWORD=... node sdk-scenario.mjs
//
// The server must issue short-lived access tokens (a few seconds) so that the refresh checks do not wait long.
// Because the SDK refreshes proactively whenever a token expires within 10 s, with such a lifetime it refreshes
// before every call: the scenario therefore never sends requests concurrently, which would race on one
// rotating refresh token.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createOAuth2Client,
  rqlBuilder,
  IllegalStateError,
  InvalidApiFunctionResultError,
  InvalidGrantError,
  LambdaInvocationError,
  LambdaRuntimeError,
  ResourceUnknownError,
  TaskStatus,
} from '@extrahorizon/javascript-sdk';

const BULK_COUNT = 55; // more than the SDK's findAll page size of 50
const UNKNOWN_ID = 'ffffffffffffffffffffffff';

const env = readEnvironment();
let checks = 0;
let lastRequest = '(none yet)';
const requestLogger = config => {
  if (config instanceof Error) return;
  lastRequest = `${config.method?.toUpperCase()} ${config.url}`;
};

function readEnvironment() {
  const names = ['HOST', 'CLIENT_ID', 'USERNAME', 'PASSWORD'];
  const missing = names.filter(name => !process.env[name]);
  if (missing.length > 0) {
    bail(`missing environment variable(s): ${missing.join(', ')}`);
  }
  const host = process.env.HOST.replace(/\/+$/, '');
  if (!host.includes('localhost')) {
    // The SDK rewrites any other host to https://api.<host>, so the calls would never reach the server under test.
    bail(`HOST must contain "localhost" (got ${host}); use http://localhost:<port>, not 127.0.0.1`);
  }
  return {
    host,
    clientId: process.env.CLIENT_ID,
    username: process.env.USERNAME,
    password: process.env.PASSWORD,
  };
}

function bail(message) {
  console.error(`sdk-scenario: ${message}`);
  process.exit(2);
}

async function check(name, fn) {
  try {
    await fn();
  } catch (error) {
    console.error(`not ok ${checks + 1} - ${name}`);
    console.error(describeError(error));
    process.exit(1);
  }
  checks += 1;
  console.log(`ok ${checks} - ${name}`);
}

function describeError(error) {
  const lines = [`  ${error?.name ?? 'Error'}: ${error?.message ?? error}`];
  if (error?.status !== undefined || error?.response !== undefined) {
    // SDK errors: show what the server actually answered, which is what a failure here is about.
    lines.push(`  http status: ${error.status}`);
    lines.push(`  response body: ${JSON.stringify(error.response)}`);
    // Method and URL only: the payload of a token request carries the password.
    if (error.request?.url) lines.push(`  request: ${error.request.method?.toUpperCase()} ${error.request.url}`);
  }
  lines.push(`  last SDK request: ${lastRequest}`);
  const frames = (error?.stack ?? '').split('\n').filter(line => line.startsWith('    at ')).slice(0, 5);
  return [...lines, ...frames].join('\n');
}

/** Awaits a promise that must reject, and returns the rejection. */
async function rejectionOf(promise) {
  try {
    const value = await promise;
    assert.fail(`expected the call to fail, but it returned ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

/** A plain HTTP call outside the SDK, to check the wire shape the SDK's behaviour depends on. */
async function rawGet(path, accessToken) {
  const headers = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
  const response = await fetch(`${env.host}${path}`, { headers });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

const ids = items => items.map(item => item.id);
const sortedIds = items => ids(items).sort();

async function main() {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const runTag = `sdk-run-${runId}`;
  const bulkTag = `sdk-bulk-${runId}`;
  // Spaces, parentheses, RQL delimiters and non-ASCII: only a server that decodes the SDK's double-encoded
  // values exactly once after tokenizing finds these again.
  // Function names are restricted to letters, digits, '-' and '_', so the awkward text rides in a tag.
  const specialText = `Nightly report (v2) – ünïcødé ✓ 50% + a&b, c/d ${runId}`;
  const specialName = `sdk-special-${runId}`;
  const specialTag = 'tag with space (x)';
  const plainName = `sdk-plain-${runId}`;

  const freshTokens = [];
  const exh = createOAuth2Client({
    host: env.host,
    clientId: env.clientId,
    requestLogger,
    freshTokensCallback: tokenData => freshTokens.push(tokenData),
  });

  // ---- authentication -------------------------------------------------------------------------------------------

  await check('a wrong password is refused with an OAuth2 invalid_grant error', async () => {
    const probe = createOAuth2Client({ host: env.host, clientId: env.clientId, requestLogger });
    const error = await rejectionOf(probe.auth.authenticate({ username: env.username, password: `${env.password}-wrong` }));
    assert.ok(error instanceof InvalidGrantError, `expected InvalidGrantError, got ${error?.name}: ${error?.message}`);
  });

  let login;
  await check('the password grant returns an access token, a refresh token and its lifetime', async () => {
    login = await exh.auth.authenticate({ username: env.username, password: env.password });
    assert.equal(typeof login.accessToken, 'string');
    assert.ok(login.accessToken.length > 0);
    assert.equal(typeof login.refreshToken, 'string');
    assert.ok(login.refreshToken.length > 0);
    assert.equal(typeof login.expiresIn, 'number', 'expires_in drives the SDK proactive refresh');
    assert.ok(login.expiresIn > 0 && login.expiresIn <= 60, `expected a short test lifetime, got expires_in=${login.expiresIn}`);
    assert.equal(freshTokens.length, 1, 'freshTokensCallback fires on login');
  });

  // A second, independent session built from stored tokens without expiresIn: the SDK then cannot refresh
  // proactively and must react to the server's 118 answer instead.
  const seed = await createOAuth2Client({ host: env.host, clientId: env.clientId, requestLogger })
    .auth.authenticate({ username: env.username, password: env.password });
  const reactiveTokens = [];
  const reactive = createOAuth2Client({
    host: env.host,
    clientId: env.clientId,
    accessToken: seed.accessToken,
    refreshToken: seed.refreshToken,
    requestLogger,
    freshTokensCallback: tokenData => reactiveTokens.push(tokenData),
  });

  await check('requests without a token get 401 with code 104', async () => {
    const { status, body } = await rawGet('/tasks/v1/');
    assert.equal(status, 401);
    assert.equal(body?.code, 104, JSON.stringify(body));
  });

  await check('requests with an unknown token get 401 with code 117', async () => {
    const { status, body } = await rawGet('/tasks/v1/', `not-a-token-${runId}`);
    assert.equal(status, 401);
    assert.equal(body?.code, 117, JSON.stringify(body));
  });

  // ---- create ---------------------------------------------------------------------------------------------------

  const specialData = {
    label: specialName,
    snake_case_key: 'stays snake_case',
    camelCaseKey: { nested_key: [1, 'two', null, true, 1.5] },
    creationTimestamp: 'not a date, just user data',
    records_affected: 3,
    emptyObject: {},
    emptyArray: [],
  };
  const hour = 60 * 60 * 1000;
  const base = Math.ceil((Date.now() + 24 * hour) / 1000) * 1000;
  const inputs = [
    { functionName: specialName, priority: 5, tags: [runTag, 'alpha', specialTag, specialText], data: specialData },
    { functionName: specialName, priority: 1, tags: [runTag, 'beta', specialText], data: { n: 2 } },
    { functionName: plainName, priority: 10, tags: [runTag, 'alpha'], data: { n: 3 } },
    { functionName: plainName, priority: -3, tags: [runTag, 'gamma'], data: { n: 4 } },
    { functionName: plainName, tags: [runTag], data: { n: 5 } },
    { functionName: plainName, priority: 7, tags: [runTag, 'beta'], data: { n: 6 } },
  ].map((input, index) => ({ ...input, startTimestamp: new Date(base + index * hour) }));

  const createdAfter = new Date(Date.now() - 5000);
  const created = [];
  await check('create returns the full task, status new, with data verbatim', async () => {
    for (const input of inputs) {
      const task = await exh.tasks.create(input);
      assert.match(task.id, /^[0-9a-f]{24}$/, 'ids are 24-hex ObjectIds');
      assert.equal(task.status, TaskStatus.NEW);
      assert.equal(task.functionName, input.functionName);
      assert.deepEqual(task.tags, input.tags);
      assert.deepEqual(task.data, input.data);
      assert.equal(task.priority, input.priority ?? 0, 'an omitted priority defaults to 0');
      assert.ok(task.startTimestamp instanceof Date, 'startTimestamp is an ISO date the SDK turns into a Date');
      assert.equal(task.startTimestamp.getTime(), input.startTimestamp.getTime());
      for (const key of ['creationTimestamp', 'updateTimestamp', 'statusChangedTimestamp']) {
        assert.ok(task[key] instanceof Date && !Number.isNaN(task[key].getTime()), `${key} is a valid date`);
      }
      assert.ok(task.creationTimestamp >= createdAfter, 'creationTimestamp is now-ish');
      if (login.userId) assert.equal(task.createdByUserId, login.userId);
      created.push(task);
    }
  });
  const [special1, special2, plain10, , , plain7] = created;
  const byPriorityDesc = [...created].sort((a, b) => b.priority - a.priority);

  // ---- find with RQL --------------------------------------------------------------------------------------------

  await check('find without RQL pages with the default limit of 20', async () => {
    const result = await exh.tasks.find();
    assert.equal(result.page.limit, 20);
    assert.equal(result.page.offset, 0);
    assert.ok(result.page.total >= created.length);
    assert.ok(result.data.length <= 20);
  });

  await check('eq on tags matches a value with spaces, parentheses, unicode, %, +, & and commas', async () => {
    const rql = rqlBuilder().eq('tags', specialText).eq('functionName', specialName).build();
    const result = await exh.tasks.find({ rql });
    assert.deepEqual(sortedIds(result.data), sortedIds([special1, special2]));
    assert.deepEqual(result.page, { total: 2, offset: 0, limit: 20 });
  });

  await check('find returns data verbatim (no key casing, date or renaming changes)', async () => {
    const rql = rqlBuilder().eq('id', special1.id).build();
    const result = await exh.tasks.find({ rql });
    assert.equal(result.data.length, 1);
    assert.deepEqual(result.data[0].data, specialData);
  });

  await check('in on tags matches any listed tag, including one with spaces and parentheses', async () => {
    const rql = rqlBuilder().in('tags', ['beta', specialTag]).eq('tags', runTag).build();
    const result = await exh.tasks.find({ rql });
    assert.deepEqual(sortedIds(result.data), sortedIds([special1, special2, plain7]));
  });

  await check('data.<path> searches inside the data: numbers by value, nested keys and strings by text', async () => {
    const above = rqlBuilder().gt('data.n', 4).eq('tags', runTag).build();
    assert.deepEqual(sortedIds((await exh.tasks.find({ rql: above })).data), sortedIds([created[4], created[5]]));
    const nested = rqlBuilder().eq('data.camelCaseKey.nested_key.1', 'two').eq('tags', runTag).build();
    assert.deepEqual(sortedIds((await exh.tasks.find({ rql: nested })).data), sortedIds([special1]));
    const text = rqlBuilder().like('data.creationTimestamp', 'just user').eq('tags', runTag).build();
    assert.deepEqual(sortedIds((await exh.tasks.find({ rql: text })).data), sortedIds([special1]));
  });

  await check('ge on creationTimestamp compares ISO strings as dates', async () => {
    const since = rqlBuilder().ge('creationTimestamp', createdAfter.toISOString()).eq('tags', runTag).build();
    assert.equal((await exh.tasks.find({ rql: since })).page.total, created.length);
    const future = new Date(Date.now() + 365 * 24 * hour).toISOString();
    const none = rqlBuilder().ge('creationTimestamp', future).eq('tags', runTag).build();
    assert.equal((await exh.tasks.find({ rql: none })).page.total, 0);
  });

  await check('ge on startTimestamp selects the tasks starting at or after the given instant', async () => {
    const rql = rqlBuilder().ge('startTimestamp', inputs[3].startTimestamp.toISOString()).eq('tags', runTag).build();
    const result = await exh.tasks.find({ rql });
    assert.deepEqual(sortedIds(result.data), sortedIds(created.slice(3)));
  });

  await check('sort(-priority) orders by priority, highest first', async () => {
    const rql = rqlBuilder().eq('tags', runTag).sort('-priority').build();
    const result = await exh.tasks.find({ rql });
    assert.deepEqual(ids(result.data), ids(byPriorityDesc));
  });

  await check('limit with offset echoes both and returns that slice', async () => {
    const rql = rqlBuilder().eq('tags', runTag).sort('-priority').limit(2, 2).build();
    const result = await exh.tasks.find({ rql });
    assert.deepEqual(result.page, { total: created.length, offset: 2, limit: 2 });
    assert.deepEqual(ids(result.data), ids(byPriorityDesc.slice(2, 4)));
  });

  await check('select returns only the selected fields', async () => {
    const rql = rqlBuilder().select(['id', 'priority']).eq('tags', runTag).build();
    const result = await exh.tasks.find({ rql });
    assert.equal(result.data.length, created.length);
    for (const item of result.data) {
      assert.match(item.id, /^[0-9a-f]{24}$/);
      assert.equal(typeof item.priority, 'number');
      for (const key of ['functionName', 'data', 'tags', 'status']) {
        assert.ok(!(key in item), `select(id,priority) should not return ${key}: ${JSON.stringify(item)}`);
      }
    }
  });

  await check('skipCount leaves out page.total', async () => {
    const rql = rqlBuilder().eq('tags', runTag).skipCount().build();
    const result = await exh.tasks.find({ rql });
    assert.equal(result.data.length, created.length);
    assert.equal(result.page.total, undefined, `page was ${JSON.stringify(result.page)}`);
    assert.equal(result.page.offset, 0);
    assert.equal(result.page.limit, 20);
  });

  // ---- findFirst / findById -------------------------------------------------------------------------------------

  await check('findFirst returns the first match', async () => {
    const first = await exh.tasks.findFirst({ rql: rqlBuilder().eq('tags', runTag).sort('-priority').build() });
    assert.equal(first?.id, plain10.id);
  });

  await check('findById returns the task as created', async () => {
    const found = await exh.tasks.findById(special1.id);
    assert.equal(found?.id, special1.id);
    assert.equal(found.functionName, special1.functionName);
    assert.deepEqual(found.tags, special1.tags);
    assert.deepEqual(found.data, specialData);
    assert.equal(found.startTimestamp.getTime(), special1.startTimestamp.getTime());
    assert.equal(found.creationTimestamp.getTime(), special1.creationTimestamp.getTime());
  });

  await check('findById of an unknown id returns undefined', async () => {
    assert.equal(await exh.tasks.findById(UNKNOWN_ID), undefined);
  });

  // ---- cancel ---------------------------------------------------------------------------------------------------

  await check('cancel of a new task affects one record and makes it canceled', async () => {
    const result = await exh.tasks.cancel(plain7.id);
    assert.deepEqual(result, { affectedRecords: 1 });
    const after = await exh.tasks.findById(plain7.id);
    assert.equal(after.status, TaskStatus.CANCELED);
    assert.ok(after.statusChangedTimestamp >= plain7.statusChangedTimestamp);
  });

  await check('cancel of a task that is no longer new throws IllegalStateError (27)', async () => {
    const error = await rejectionOf(exh.tasks.cancel(plain7.id));
    assert.ok(error instanceof IllegalStateError, `expected IllegalStateError, got ${error?.name}: ${error?.message}`);
    assert.equal(error.response?.code, 27);
  });

  await check('cancel of an unknown task throws ResourceUnknownError (16)', async () => {
    const error = await rejectionOf(exh.tasks.cancel(UNKNOWN_ID));
    assert.ok(error instanceof ResourceUnknownError, `expected ResourceUnknownError, got ${error?.name}: ${error?.message}`);
    assert.equal(error.response?.code, 16);
  });

  await check('ne on status filters the canceled task in or out', async () => {
    const notNew = await exh.tasks.find({ rql: rqlBuilder().ne('status', TaskStatus.NEW).eq('tags', runTag).build() });
    assert.deepEqual(ids(notNew.data), [plain7.id]);
    const notCanceled = await exh.tasks.find({
      rql: rqlBuilder().ne('status', TaskStatus.CANCELED).eq('tags', runTag).build(),
    });
    assert.deepEqual(sortedIds(notCanceled.data), sortedIds(created.filter(task => task.id !== plain7.id)));
  });

  // ---- logs -----------------------------------------------------------------------------------------------------

  await check('logs of a task that never ran are an empty list', async () => {
    const lines = await exh.tasks.logs.find(special2.id);
    assert.deepEqual(lines, []);
  });

  await check('the logs endpoint answers {data: []}, without a page', async () => {
    const response = await exh.raw.get(`/tasks/v1/${special2.id}/logs`);
    assert.deepEqual(response.data, { data: [] });
  });

  // ---- findAll over several pages -------------------------------------------------------------------------------

  const bulkIds = [];
  await check(`create ${BULK_COUNT} tasks sharing one tag`, async () => {
    for (let i = 0; i < BULK_COUNT; i += 1) {
      const task = await exh.tasks.create({
        functionName: plainName,
        tags: [bulkTag],
        priority: i % 4,
        startTimestamp: new Date(base + i * 1000),
        data: { i },
      });
      bulkIds.push(task.id);
    }
    assert.equal(new Set(bulkIds).size, BULK_COUNT);
  });

  await check('a limit above 50 is clamped to 50 and echoed', async () => {
    const result = await exh.tasks.find({ rql: rqlBuilder().eq('tags', bulkTag).limit(500).build() });
    assert.deepEqual(result.page, { total: BULK_COUNT, offset: 0, limit: 50 });
    assert.equal(result.data.length, 50);
  });

  await check('findAll walks every page and returns each task exactly once', async () => {
    const all = await exh.tasks.findAll({ rql: rqlBuilder().eq('tags', bulkTag).build() });
    assert.equal(all.length, BULK_COUNT, `findAll returned ${all.length} tasks`);
    assert.deepEqual(sortedIds(all), [...bulkIds].sort());
  });

  // ---- API functions --------------------------------------------------------------------------------------------
  // The built-in runtime's api-demo function (allUsers) answers /hello, /echo, /status/{code}, /fail and /invalid.

  const apiDemo = 'api-demo';
  await check('tasks.api.get reaches the function with its query string and answers its body', async () => {
    const answer = await exh.tasks.api.get(apiDemo, `/hello?name=${encodeURIComponent('SDK run')}`);
    assert.deepEqual(answer, { message: 'Hello, SDK run!' });
  });

  await check('tasks.api.post/put/patch send their data and the function sees method, path, query and the caller', async () => {
    const data = { runId, nested: { camelCase: 1, snake_case: [true, null] } };
    for (const method of ['post', 'put', 'patch']) {
      const echo = await exh.tasks.api[method](apiDemo, `echo/${method}?x=1&y=${runId}`, data);
      assert.equal(echo.method, method.toUpperCase());
      assert.equal(echo.path, `/echo/${method}`);
      assert.equal(echo.query, `?x=1&y=${runId}`);
      assert.deepEqual(echo.body, data, 'the body reaches the function verbatim');
      assert.equal(echo.isBase64Encoded, false);
      if (login.userId) assert.equal(echo.userId, login.userId, 'x-exh-requesting-user-id is set by the server');
    }
  });

  await check('tasks.api.delete reaches the function; forged identity headers are replaced', async () => {
    const echo = await exh.tasks.api.delete(apiDemo, '/echo/item-1', {
      headers: { 'X-Exh-Requesting-User-Id': 'ffffffffffffffffffffffff' },
    });
    assert.equal(echo.method, 'DELETE');
    assert.equal(echo.path, '/echo/item-1');
    assert.notEqual(echo.userId, 'ffffffffffffffffffffffff');
  });

  await check('a binary body reaches the function base64-encoded', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const echo = await exh.tasks.api.post(apiDemo, '/echo', bytes, { headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(echo.isBase64Encoded, true);
    assert.equal(echo.bodyBytes, 256);
    assert.equal(echo.body, bytes.toString('base64'));
  });

  await check('a function error throws LambdaRuntimeError (1406)', async () => {
    const error = await rejectionOf(exh.tasks.api.get(apiDemo, '/fail'));
    assert.ok(error instanceof LambdaRuntimeError, `${error?.name}: ${error?.message}`);
  });

  await check('an invalid result (not a response object, or a status outside 200-499) throws InvalidApiFunctionResultError (1409)', async () => {
    for (const path of ['/invalid', '/status/500']) {
      const error = await rejectionOf(exh.tasks.api.get(apiDemo, path));
      assert.ok(error instanceof InvalidApiFunctionResultError, `${path}: ${error?.name}: ${error?.message}`);
    }
  });

  await check("the function's own 4xx reaches the caller as an SDK error with its body", async () => {
    const error = await rejectionOf(exh.tasks.api.get(apiDemo, '/status/418'));
    assert.equal(error.status, 418);
  });

  const modes = {};
  await check('permission modes: permissionRequired, allUsers and public', async () => {
    for (const mode of ['permissionRequired', 'allUsers', 'public']) {
      const name = `sdk-api-${mode}-${runId}`;
      await exh.tasks.functions.create({ name, lambdaFunctionName: apiDemo, executionOptions: { permissionMode: mode } });
      modes[mode] = name;
      // The signed-in admin holds EXECUTE_API_FUNCTION, so every mode lets it in.
      assert.deepEqual(await exh.tasks.api.get(name, '/hello?name=admin'), { message: 'Hello, admin!' });
    }
    assert.equal((await rawGet(`/tasks/v1/api/${modes.permissionRequired}/hello`)).status, 401);
    assert.equal((await rawGet(`/tasks/v1/api/${modes.allUsers}/hello`)).status, 401);
    const anonymous = await rawGet(`/tasks/v1/api/${modes.public}/hello?name=anyone`);
    assert.equal(anonymous.status, 200);
    assert.deepEqual(anonymous.body, { message: 'Hello, anyone!' });
  });

  // Requests are recorded just after their answer is sent: wait for the last one before reading them back.
  async function findRequests(rql, count) {
    for (let attempt = 0; ; attempt++) {
      const result = await exh.tasks.apiRequests.find({ rql });
      if (result.data.length >= count || attempt >= 100) return result;
      await sleep(100);
    }
  }

  let failedRequest;
  await check('apiRequests.find filters with RQL and pages like tasks', async () => {
    const result = await findRequests(rqlBuilder().eq('functionName', apiDemo).eq('path', '/fail').build(), 1);
    assert.ok(result.data.length >= 1, 'the failed call was recorded');
    failedRequest = result.data[0];
    assert.equal(failedRequest.method, 'GET');
    assert.equal(failedRequest.statusCode, 400);
    assert.equal(failedRequest.error?.type, 'runtime');
    assert.equal(failedRequest.error?.name, 'ApiDemoFailure');
    assert.ok(failedRequest.timestamp instanceof Date, 'timestamp is an ISO date the SDK turns into a Date');
    assert.equal(typeof failedRequest.duration, 'number');
    assert.equal(result.page.limit, 20);
    const invalid = await findRequests(rqlBuilder().eq('functionName', apiDemo).eq('path', '/invalid').build(), 1);
    assert.equal(invalid.data[0].error?.type, 'response');
  });

  await check('apiRequests.findAll returns every request of a function', async () => {
    await findRequests(rqlBuilder().eq('functionName', modes.public).build(), 2);
    const all = await exh.tasks.apiRequests.findAll({ rql: rqlBuilder().in('functionName', Object.values(modes)).build() });
    assert.equal(all.length, 4, 'one call per mode by the admin, one anonymous public call (refused calls are not run)');
    const anonymous = all.find(request => request.functionName === modes.public && !request.userId);
    assert.ok(anonymous, 'the anonymous public call is recorded without a user');
  });

  await check('apiRequests.findFirst by id finds one request (this SDK version has no apiRequests.findById)', async () => {
    assert.equal(typeof exh.tasks.apiRequests.findById, 'undefined');
    const found = await exh.tasks.apiRequests.findFirst({ rql: rqlBuilder().eq('id', failedRequest.id).build() });
    assert.equal(found?.id, failedRequest.id);
  });

  await check("apiRequests.logs.find returns the request's log lines", async () => {
    const lines = await exh.tasks.apiRequests.logs.find(failedRequest.id);
    assert.ok(lines.some(line => line.message.includes('GET /fail')), JSON.stringify(lines));
    assert.ok(lines.every(line => line.timestamp instanceof Date));
  });

  // ---- token refresh --------------------------------------------------------------------------------------------

  await check('an expired access token gets 401 with code 118', async () => {
    await sleepUntilExpired(seed);
    const { status, body } = await rawGet('/tasks/v1/', seed.accessToken);
    assert.equal(status, 401);
    assert.equal(body?.code, 118, JSON.stringify(body));
  });

  await check('after a 118 the SDK refreshes, replays the call, and reports the new tokens', async () => {
    const result = await reactive.tasks.find({ rql: rqlBuilder().eq('id', special1.id).build() });
    assert.deepEqual(ids(result.data), [special1.id]);
    // At least once: with a lifetime under the SDK's 10 s margin, the replay itself refreshes proactively again.
    assert.ok(reactiveTokens.length >= 1, 'freshTokensCallback fired for the refresh');
    assert.notEqual(reactiveTokens[0].accessToken, seed.accessToken);
    assert.ok(reactiveTokens[0].refreshToken, 'the refresh answer carries a refresh token');
    assert.notEqual(reactiveTokens[0].refreshToken, seed.refreshToken, 'refresh tokens rotate');
  });

  await check('a session whose token expired keeps working, refreshing with rotated tokens', async () => {
    const latest = freshTokens.at(-1);
    const before = freshTokens.length;
    await sleepUntilExpired(latest);
    const found = await exh.tasks.findById(plain10.id);
    assert.equal(found?.id, plain10.id);
    assert.ok(freshTokens.length > before, 'freshTokensCallback fired for the refresh');
    const refreshTokens = freshTokens.map(tokens => tokens.refreshToken);
    assert.equal(new Set(refreshTokens).size, refreshTokens.length, 'every refresh returned a new refresh token');
    assert.notEqual(freshTokens.at(-1).refreshToken, login.refreshToken);
  });

  console.log(JSON.stringify({ ok: true, checks }));
}

async function sleepUntilExpired(tokenData) {
  const expiresAt = tokenData.creationTimestamp.getTime() + tokenData.expiresIn * 1000;
  const remaining = expiresAt - Date.now() + 1000; // a margin for clock granularity on the server
  if (remaining > 0) await sleep(remaining);
}

main().catch(error => {
  console.error(`not ok ${checks + 1} - the scenario stopped outside a check`);
  console.error(describeError(error));
  process.exit(1);
});
