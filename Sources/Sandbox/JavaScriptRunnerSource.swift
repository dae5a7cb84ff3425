/// The Node.js side of the runner protocol (see `RunnerReport`), run as `node -e`.
///
/// It reads its job as JSON on stdin and loads the candidate once into a fresh `node:vm`
/// context (no `process`, no real `require`: only pure built-in modules, a silent `console`,
/// timers and `assert`), then runs each test in that context under the vm `timeout`. The
/// context drains its microtasks after every evaluation (`microtaskMode: "afterEvaluate"`)
/// and timer callbacks are re-entered through the context, so `while (true) {}` in a
/// promise or a timer is a timeout too. A test containing `await` is run as an async
/// function and awaited until its own deadline. Every results line starts with a per-run
/// nonce the candidate never receives; the wall deadline and the CPU rlimit hold when all
/// of this fails.
let javaScriptRunnerSource = #"""
'use strict';
(() => {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const assert = require('node:assert');
  const { performance } = require('node:perf_hooks');
  const realSetTimeout = setTimeout, realClearTimeout = clearTimeout;
  delete globalThis.require;

  // The job format of `RunnerInput`: `nonce\n timeout\n`, then the solution, the test
  // count and the tests, each text as `<UTF-8 byte count>\n<bytes>`.
  const input = fs.readFileSync(0);
  let position = 0;
  const line = () => {
    const end = input.indexOf(10, position);
    const text = input.toString('utf8', position, end);
    position = end + 1;
    return text;
  };
  const field = () => {
    const size = Number(line());
    const text = input.toString('utf8', position, position + size);
    position += size;
    return text;
  };
  const nonce = line();
  const job = { testTimeout: Number(line()), solution: field(), tests: [] };
  for (let count = Number(line()); count > 0; count--) job.tests.push(field());
  const limitMs = Math.max(1, Math.round(Number(job.testTimeout) * 1000));

  const emit = (text) => {
    const data = Buffer.from(nonce + ' ' + text + '\n', 'utf8');
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(3, data, offset);
  };
  const label = (error) => {
    let name = 'Error';
    try {
      if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
        name = String(error.name || (error.constructor && error.constructor.name) || 'Error');
      } else {
        name = 'Thrown_' + typeof error;
      }
    } catch (_) { name = 'Error'; }
    return (name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 80)) || 'Error';
  };
  const message = (error) => {
    try { return String(error && error.message !== undefined ? error.message : error).split(/\s+/).join(' ').slice(0, 300); }
    catch (_) { return ''; }
  };
  const isTimeout = (error) => error !== null && typeof error === 'object' && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
  const isAssertion = (error) => error instanceof assert.AssertionError
    || (error !== null && typeof error === 'object' && error.code === 'ERR_ASSERTION');

  // Pure modules only; everything else is refused here, and again by the permission model.
  const allowed = new Set(['assert', 'assert/strict', 'buffer', 'crypto', 'events', 'path', 'querystring',
    'string_decoder', 'url', 'util']);
  const limitedRequire = (name) => {
    const bare = String(name).replace(/^node:/, '');
    if (!allowed.has(bare)) {
      const error = new Error("Cannot find module '" + name + "' (not available in the sandbox)");
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    }
    return require(bare);
  };

  // Timers run their callbacks through the context, so each callback is under the vm timeout.
  let deadline = 0;
  let timedOut = false;
  const timers = new Set();
  const invoke = (fn, args) => {
    if (typeof fn !== 'function' || timedOut) return;
    const remaining = Math.max(1, Math.round(deadline - performance.now()));
    context.__cascadeCall = [fn, args];
    try {
      vm.runInContext('__cascadeInvoke()', context, { timeout: remaining });
    } catch (error) {
      if (isTimeout(error)) timedOut = true;
    }
  };
  const schedule = (repeat) => (fn, ms, ...args) => {
    const delay = Math.max(0, Number(ms) || 0);
    const handle = repeat
      ? setInterval(() => invoke(fn, args), delay)
      : realSetTimeout(() => { timers.delete(handle); invoke(fn, args); }, delay);
    timers.add(handle);
    return handle;
  };
  const cancel = (handle) => { timers.delete(handle); realClearTimeout(handle); clearInterval(handle); };
  const quiet = () => undefined;
  const sandbox = {
    assert, require: limitedRequire, module: { exports: {} },
    console: { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet, dir: quiet, table: quiet },
    setTimeout: schedule(false), setInterval: schedule(true), clearTimeout: cancel, clearInterval: cancel,
    setImmediate: (fn, ...args) => schedule(false)(fn, 0, ...args), clearImmediate: cancel,
    structuredClone, TextEncoder, TextDecoder, URL, URLSearchParams, Buffer,
  };
  sandbox.exports = sandbox.module.exports;
  const context = vm.createContext(sandbox, { microtaskMode: 'afterEvaluate', codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(
    'globalThis.__cascadeInvoke = () => { const [fn, args] = globalThis.__cascadeCall; globalThis.__cascadeCall = undefined; fn(...args); };\n' +
    'globalThis.__cascadeTrack = (value, state) => { if (value === null || typeof value.then !== "function") { state.settled = 1; return; }\n' +
    '  value.then(() => { state.settled = 1; }, (error) => { state.settled = 2; state.error = error; }); };',
    context);

  const pause = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));

  /** Runs one script under the per-test limit; awaits what it returns when it is a promise. */
  const timed = async (script, awaitResult) => {
    timedOut = false;
    const start = performance.now();
    deadline = start + limitMs;
    const state = { settled: 0, error: undefined };
    let outcome = 'pass', type = '-', detail = '';
    try {
      const value = script.runInContext(context, { timeout: limitMs });
      if (awaitResult) {
        context.__cascadeState = [value, state];
        vm.runInContext('__cascadeTrack(...__cascadeState)', context, { timeout: limitMs });
        while (state.settled === 0 && !timedOut && performance.now() < deadline) {
          await pause(Math.min(5, Math.max(1, deadline - performance.now())));
          const remaining = Math.max(1, Math.round(deadline - performance.now()));
          vm.runInContext('0', context, { timeout: remaining });
        }
        if (state.settled === 2) throw state.error;
        if (state.settled === 0) outcome = 'timeout';
      }
    } catch (error) {
      if (isTimeout(error)) outcome = 'timeout';
      else if (isAssertion(error)) outcome = 'fail';
      else { outcome = 'error'; type = label(error); detail = message(error); }
    }
    if (timedOut) { outcome = 'timeout'; type = '-'; }
    for (const handle of timers) cancel(handle);
    return { outcome, type, detail, ms: performance.now() - start };
  };

  const main = async () => {
    let script;
    try {
      script = new vm.Script(job.solution, { filename: 'solution.js' });
    } catch (error) {
      emit('E ' + label(error) + ' ' + message(error));
      emit('D');
      return;
    }
    const loaded = await timed(script, false);
    if (loaded.outcome !== 'pass') {
      emit('E ' + (loaded.outcome === 'error' ? loaded.type + ' ' + loaded.detail : loaded.outcome) + ' loading the solution');
      emit('D');
      return;
    }
    emit('L ' + loaded.ms.toFixed(3));
    for (let index = 0; index < job.tests.length; index++) {
      const test = String(job.tests[index]);
      const isAsync = /\bawait\b/.test(test);
      let compiled;
      try {
        compiled = new vm.Script(isAsync ? '(async () => {\n' + test + '\n})()' : '{\n' + test + '\n}', { filename: 'test_' + index + '.js' });
      } catch (error) {
        emit('T ' + index + ' error 0 ' + label(error));
        continue;
      }
      const result = await timed(compiled, isAsync);
      emit('T ' + index + ' ' + result.outcome + ' ' + result.ms.toFixed(3) + ' ' + result.type);
    }
    emit('D');
  };

  main().then(() => process.exit(0), () => process.exit(70));
})();
"""#
