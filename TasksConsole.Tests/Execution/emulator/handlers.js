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
