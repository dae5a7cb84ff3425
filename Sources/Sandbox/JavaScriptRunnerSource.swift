/// The Node.js side of the runner protocol (see `RunnerReport`), run as `node -e`.
///
/// It reads its job on stdin and loads the candidate once into a fresh
/// `node:vm` context whose global is backed by a null-prototype object, so no object of the
/// host realm is reachable from inside (the old `this.constructor` way to the host's
/// `Object` is gone). Before the candidate loads, `javaScriptPrelude` runs in that context:
/// it builds `assert` (a node:assert subset) and the harness from the context's own
/// intrinsics, then freezes every intrinsic reachable from the standard globals and makes
/// those globals unwritable, so neither the assertions nor a test's own
/// `xs.includes(y)` run code the candidate put there.
///
/// Each test is compiled as `__cascadeHarness.run((assert, require) => { test })`: the
/// harness is a non-writable, non-configurable global the candidate can neither replace nor
/// shadow, `assert` and `require` are parameters, and what comes back to the host is a
/// string (pass, fail, `error <Type>`) or, for a test containing `await`, an id whose
/// status the host polls. The context drains its microtasks after every evaluation and
/// timers run through the harness, so every piece of candidate code runs under the vm
/// `timeout`; `while (true) {}` in a promise or a timer is a timeout. The host reads a
/// value the candidate threw only through data properties (never a getter or proxy trap).
/// Every results line starts with a per-run nonce the candidate never receives; the wall
/// deadline and the CPU rlimit hold when all of this fails.
let javaScriptRunnerSource = "const PRELUDE = " + javaScriptLiteral(javaScriptPrelude) + ";\n" + javaScriptHost

/// `text` as a single-quoted JavaScript string literal.
func javaScriptLiteral(_ text: String) -> String {
    var literal = "'"
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": literal += "\\\\"
        case "'": literal += "\\'"
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\u{2028}": literal += "\\u2028"
        case "\u{2029}": literal += "\\u2029"
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "'"
}

/// Runs inside the candidate's context before the candidate; its completion value (the
/// getters it installed) goes to the host.
let javaScriptPrelude = #"""
(() => {
  'use strict';
  const global = globalThis;
  const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf, freeze, is, keys } = Object;
  const { apply, ownKeys } = Reflect;
  const { isArray } = Array;
  const objectTag = Object.prototype.toString;
  const enumerable = Object.prototype.propertyIsEnumerable;
  const hasOwn = Object.prototype.hasOwnProperty;
  const then = Promise.prototype.then;
  const regExpTest = RegExp.prototype.test;
  const tag = (value) => apply(objectTag, value, []);
  const quiet = () => undefined;

  // Timers: the host runs each callback through `fire`, so each one is under the vm timeout.
  const timers = new Map();
  const requested = [];
  let nextTimer = 1;
  const schedule = (repeat) => (fn, ms, ...args) => {
    const id = nextTimer++;
    timers.set(id, { fn, args, ms: Math.max(0, Number(ms) || 0), repeat });
    requested.push(id);
    return id;
  };
  const cancel = (id) => { timers.delete(id); };

  // A small node:assert, built from this context's own intrinsics before they are frozen.
  class AssertionError extends Error {
    constructor(options) {
      const given = options !== null && typeof options === 'object' ? options : {};
      super(typeof options === 'string' ? options : given.message !== undefined ? String(given.message) : 'Failed');
      for (const key of ['actual', 'expected', 'operator']) {
        if (apply(hasOwn, given, [key])) defineProperty(this, key, { value: given[key], writable: true, configurable: true });
      }
      defineProperty(this, 'code', { value: 'ERR_ASSERTION', writable: true, enumerable: true, configurable: true });
    }
  }
  defineProperty(AssertionError.prototype, 'name', { value: 'AssertionError', writable: true, configurable: true });
  const fail = (message, fallback, actual, expected, operator) => {
    if (message instanceof Error) throw message;
    throw new AssertionError({ message: message !== undefined ? message : fallback, actual, expected, operator });
  };
  const ownEnumerable = (object, strict) => {
    const names = strict ? ownKeys(object) : keys(object);
    const result = [];
    for (const key of names) if (apply(enumerable, object, [key])) result.push(key);
    return result;
  };
  const findEqual = (list, value, strict, memo) => {
    for (const other of list) if (deepEqual(value, other, strict, memo)) return true;
    return false;
  };
  const deepEqual = (a, b, strict, memo) => {
    if (strict ? is(a, b) : (a == b || (a !== a && b !== b))) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (strict && getPrototypeOf(a) !== getPrototypeOf(b)) return false;
    const kind = tag(a);
    if (kind !== tag(b) || isArray(a) !== isArray(b)) return false;
    const seen = memo.get(a);
    if (seen !== undefined && seen.has(b)) return true;
    if (seen === undefined) memo.set(a, new Set([b])); else seen.add(b);
    if (kind === '[object Date]' && !is(apply(Date.prototype.getTime, a, []), apply(Date.prototype.getTime, b, []))) return false;
    if (kind === '[object RegExp]' && (a.source !== b.source || a.flags !== b.flags)) return false;
    if (['[object Number]', '[object String]', '[object Boolean]', '[object BigInt]', '[object Symbol]'].includes(kind)
        && !is(a.valueOf(), b.valueOf())) return false;
    if (a instanceof Error && (a.name !== b.name || a.message !== b.message)) return false;
    if (ArrayBuffer.isView(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!is(a[i], b[i])) return false;
    }
    if (kind === '[object Map]') {
      if (a.size !== b.size) return false;
      const pending = [];
      for (const [key, value] of apply(Map.prototype.entries, b, [])) pending.push([key, value]);
      for (const [key, value] of apply(Map.prototype.entries, a, [])) {
        if (apply(Map.prototype.has, b, [key])) {
          if (!deepEqual(value, apply(Map.prototype.get, b, [key]), strict, memo)) return false;
        } else if (typeof key !== 'object' || key === null || !pending.some(([k, v]) => deepEqual(key, k, strict, memo) && deepEqual(value, v, strict, memo))) {
          return false;
        }
      }
    }
    if (kind === '[object Set]') {
      if (a.size !== b.size) return false;
      const others = [...apply(Set.prototype.values, b, [])];
      for (const value of apply(Set.prototype.values, a, [])) {
        if (!apply(Set.prototype.has, b, [value]) && (typeof value !== 'object' || value === null || !findEqual(others, value, strict, memo))) return false;
      }
    }
    const aKeys = ownEnumerable(a, strict);
    const bKeys = ownEnumerable(b, strict);
    if (aKeys.length !== bKeys.length) return false;
    for (const key of aKeys) {
      if (!apply(hasOwn, b, [key]) || !apply(enumerable, b, [key]) || !deepEqual(a[key], b[key], strict, memo)) return false;
    }
    return true;
  };
  const matches = (error, expected, message) => {
    if (expected === undefined || typeof expected === 'string') return;
    if (typeof expected === 'function') {
      if (expected.prototype !== undefined && error instanceof expected) return;
      if (apply(Error.isPrototypeOf, Error, [expected]) || expected === Error) throw error;
      if (apply(expected, undefined, [error]) === true) return;
      fail(message, 'The validation function is expected to return "true"');
    }
    if (tag(expected) === '[object RegExp]') {
      if (apply(regExpTest, expected, [String(error)])) return;
      fail(message, 'The input did not match the regular expression');
    }
    if (typeof expected === 'object' && expected !== null) {
      for (const key of keys(expected)) {
        const want = expected[key];
        const got = error === null || error === undefined ? undefined : error[key];
        const ok = tag(want) === '[object RegExp]' && typeof got === 'string'
          ? apply(regExpTest, want, [got]) : deepEqual(got, want, true, new Map());
        if (!ok) fail(message, 'Expected values to be strictly deep-equal');
      }
    }
  };
  const build = (strict) => {
    const ok = (value, message) => { if (!value) fail(message, 'The expression evaluated to a falsy value', value, true, '=='); };
    const loose = (a, b) => a == b || (a !== a && b !== b);
    const api = {
      ok, fail: (message) => fail(message, 'Failed'), AssertionError,
      equal: strict ? (a, b, m) => { if (!is(a, b)) fail(m, 'Expected values to be strictly equal', a, b, 'strictEqual'); }
        : (a, b, m) => { if (!loose(a, b)) fail(m, 'Expected values to be loosely equal', a, b, '=='); },
      notEqual: strict ? (a, b, m) => { if (is(a, b)) fail(m, 'Expected "actual" to be strictly unequal to "expected"', a, b, 'notStrictEqual'); }
        : (a, b, m) => { if (loose(a, b)) fail(m, 'Expected "actual" to be loosely unequal to "expected"', a, b, '!='); },
      strictEqual: (a, b, m) => { if (!is(a, b)) fail(m, 'Expected values to be strictly equal', a, b, 'strictEqual'); },
      notStrictEqual: (a, b, m) => { if (is(a, b)) fail(m, 'Expected "actual" to be strictly unequal to "expected"', a, b, 'notStrictEqual'); },
      deepEqual: (a, b, m) => { if (!deepEqual(a, b, strict, new Map())) fail(m, 'Expected values to be deep-equal', a, b, 'deepEqual'); },
      notDeepEqual: (a, b, m) => { if (deepEqual(a, b, strict, new Map())) fail(m, 'Expected values not to be deep-equal', a, b, 'notDeepEqual'); },
      deepStrictEqual: (a, b, m) => { if (!deepEqual(a, b, true, new Map())) fail(m, 'Expected values to be strictly deep-equal', a, b, 'deepStrictEqual'); },
      notDeepStrictEqual: (a, b, m) => { if (deepEqual(a, b, true, new Map())) fail(m, 'Expected values not to be strictly deep-equal', a, b, 'notDeepStrictEqual'); },
      throws: (fn, expected, message) => {
        let threw = false, error;
        try { fn(); } catch (caught) { threw = true; error = caught; }
        if (!threw) fail(typeof expected === 'string' ? expected : message, 'Missing expected exception');
        matches(error, expected, message);
      },
      doesNotThrow: (fn, message) => {
        try { fn(); } catch (error) { fail(typeof message === 'string' ? message : undefined, 'Got unwanted exception'); }
      },
      rejects: async (target, expected, message) => {
        let threw = false, error;
        try { await (typeof target === 'function' ? target() : target); } catch (caught) { threw = true; error = caught; }
        if (!threw) fail(typeof expected === 'string' ? expected : message, 'Missing expected rejection');
        matches(error, expected, message);
      },
      doesNotReject: async (target, message) => {
        try { await (typeof target === 'function' ? target() : target); } catch (error) { fail(typeof message === 'string' ? message : undefined, 'Got unwanted rejection'); }
      },
      match: (text, pattern, message) => {
        if (typeof text !== 'string' || !apply(regExpTest, pattern, [text])) fail(message, 'The input did not match the regular expression');
      },
      doesNotMatch: (text, pattern, message) => {
        if (typeof text !== 'string' || apply(regExpTest, pattern, [text])) fail(message, 'The input was expected to not match');
      },
      ifError: (value) => { if (value !== null && value !== undefined) fail(undefined, 'ifError got unwanted exception', value); },
    };
    for (const name of keys(api)) defineProperty(ok, name, { value: api[name], enumerable: true });
    return ok;
  };
  const assert = build(false);
  const strictAssert = build(true);
  defineProperty(assert, 'strict', { value: strictAssert, enumerable: true });
  defineProperty(strictAssert, 'strict', { value: strictAssert, enumerable: true });
  const modules = { assert, 'assert/strict': strictAssert };
  const require = (name) => {
    const bare = String(name).replace(/^node:/, '');
    if (apply(hasOwn, modules, [bare])) return modules[bare];
    const error = new Error("Cannot find module '" + name + "' (not available in the sandbox)");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  };

  // The verdict: a test is a function the harness calls with this assert; it passes when
  // it returns (or its promise fulfils). Only primitives go back to the host.
  const label = (error) => {
    let name = 'Error';
    try {
      if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
        name = String(error.name || (error.constructor && error.constructor.name) || 'Error');
      } else {
        name = 'Thrown_' + typeof error;
      }
    } catch (_) { name = 'Error'; }
    return name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 80) || 'Error';
  };
  const outcome = (error) => (error instanceof AssertionError ? 'fail' : 'error ' + label(error));
  const results = new Map();
  let nextRun = 1;
  const harness = {
    run(test) {
      try { apply(test, undefined, [assert, require]); return 'pass'; } catch (error) { return outcome(error); }
    },
    start(test) {
      const id = nextRun++;
      results.set(id, 'pending');
      try {
        const promise = apply(test, undefined, [assert, require]);
        apply(then, promise, [() => { results.set(id, 'pass'); }, (error) => { results.set(id, outcome(error)); }]);
      } catch (error) {
        results.set(id, outcome(error));
      }
      return id;
    },
    status(id) { return results.get(id) || 'pending'; },
    timers() {
      const due = [];
      for (const id of requested) if (timers.has(id)) due.push(id + ':' + timers.get(id).ms);
      requested.length = 0;
      return due.join(',');
    },
    fire(id) {
      const timer = timers.get(id);
      if (timer === undefined) return;
      if (timer.repeat) requested.push(id); else timers.delete(id);
      apply(timer.fn, undefined, timer.args);
    },
    reset() { timers.clear(); requested.length = 0; },
  };

  // Lockdown: every intrinsic reachable from the standard globals is frozen and those
  // globals cannot be replaced, so neither the harness nor a test's own `x.includes(y)` or
  // `JSON.stringify` runs code the candidate put there. Writable data properties that
  // instances commonly override (`this.name = ...` in an Error subclass, `toString`) become
  // accessors that define the property on the instance, as a frozen prototype would
  // otherwise forbid it.
  const overridable = ['constructor', 'name', 'message', 'toString', 'toLocaleString', 'valueOf', 'toJSON'];
  const getters = [];
  const allowOverride = (object, key) => {
    const descriptor = getOwnPropertyDescriptor(object, key);
    if (descriptor === undefined || !('value' in descriptor) || !descriptor.writable || !descriptor.configurable) return;
    const value = descriptor.value;
    const get = () => value;
    getters.push(get);
    defineProperty(object, key, {
      get,
      set(replacement) {
        if (this === object) throw new TypeError('Cannot assign to read only property ' + String(key));
        if (this !== null && (typeof this === 'object' || typeof this === 'function')) {
          defineProperty(this, key, { value: replacement, writable: true, enumerable: true, configurable: true });
        }
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  };
  const standard = ownKeys(global).filter((key) => key !== 'console');
  const roots = [harness, assert, strictAssert, require, modules, label,
    function* () {}, async function () {}, async function* () {}, (function* () {})(), (async function* () {})(),
    [][Symbol.iterator](), ''[Symbol.iterator](), new Map().entries(), new Set().values(), /a/g[Symbol.matchAll]('a')];
  for (const key of standard) roots.push(getOwnPropertyDescriptor(global, key).value);
  const reached = new Set();
  while (roots.length > 0) {
    const object = roots.pop();
    if (object === null || (typeof object !== 'object' && typeof object !== 'function') || object === global || reached.has(object)) continue;
    reached.add(object);
    roots.push(getPrototypeOf(object));
    for (const key of ownKeys(object)) {
      const descriptor = getOwnPropertyDescriptor(object, key);
      roots.push(descriptor.value, descriptor.get, descriptor.set);
    }
  }
  for (const object of reached) {
    if (typeof object !== 'function') {
      for (const key of object === Object.prototype ? ownKeys(object) : overridable) allowOverride(object, key);
    }
    freeze(object);
  }
  const timerFunctions = {
    setTimeout: schedule(false), setInterval: schedule(true), setImmediate: (fn, ...args) => schedule(false)(fn, 0, ...args),
    clearTimeout: cancel, clearInterval: cancel, clearImmediate: cancel,
    queueMicrotask: (fn) => { apply(then, Promise.resolve(), [() => fn()]); },
  };
  for (const key of standard) {
    const { value } = getOwnPropertyDescriptor(global, key);
    if (key !== 'escape' && key !== 'unescape') defineProperty(global, key, { value, writable: false, configurable: false });
  }
  for (const key of keys(timerFunctions)) {
    defineProperty(global, key, { value: freeze(timerFunctions[key]), writable: false, configurable: false });
  }
  defineProperty(global, '__cascadeHarness', { value: harness, writable: false, configurable: false });
  const module = { exports: {} };
  global.module = module;
  global.exports = module.exports;
  global.require = require;
  global.assert = assert;
  global.console = { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet, dir: quiet, table: quiet };
  // The getters above, for the host: the only accessors whose value it reads itself.
  return freeze(getters);
})();
"""#

/// The host side: reads the job, runs the prelude, the solution and each test, writes the results.
let javaScriptHost = #"""
'use strict';
(() => {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const { isProxy } = require('node:util').types;
  const { performance } = require('node:perf_hooks');
  const realSetTimeout = setTimeout, realClearTimeout = clearTimeout;
  const { getOwnPropertyDescriptor, getPrototypeOf } = Object;

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

  // What the host learns from a value the candidate threw: data properties and the
  // prelude's own getters, read without running a candidate's getter or proxy trap.
  const dataProperty = (value, key) => {
    for (let object = value, depth = 0; object !== null && depth < 32 && !isProxy(object); depth++, object = getPrototypeOf(object)) {
      const descriptor = getOwnPropertyDescriptor(object, key);
      if (descriptor === undefined) continue;
      if (preludeGetters.has(descriptor.get)) return Reflect.apply(descriptor.get, object, []);
      return 'value' in descriptor ? descriptor.value : undefined;
    }
    return undefined;
  };
  const label = (error) => {
    if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return 'Thrown_' + typeof error;
    const name = dataProperty(error, 'name');
    return (typeof name === 'string' ? name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 80) : '') || 'Error';
  };
  const message = (error) => {
    const text = error !== null && typeof error === 'object' ? dataProperty(error, 'message') : error;
    return typeof text === 'string' || typeof text === 'number' ? String(text).split(/\s+/).join(' ').slice(0, 300) : '';
  };
  const isTimeout = (error) => error !== null && typeof error === 'object' && dataProperty(error, 'code') === 'ERR_SCRIPT_EXECUTION_TIMEOUT';

  // No object of this realm enters the context (its global is backed by a null-prototype
  // object), so nothing the candidate reaches leads back here.
  const context = vm.createContext(Object.create(null), { microtaskMode: 'afterEvaluate', codeGeneration: { strings: false, wasm: false } });
  const preludeGetters = new Set(vm.runInContext(PRELUDE, context));

  let deadline = 0;
  let timedOut = false;
  const handles = new Set();
  const left = () => Math.max(1, Math.round(deadline - performance.now()));
  /** Runs harness code in the context under what is left of the test's time; a timeout ends the test. */
  const enter = (code) => {
    if (timedOut) return undefined;
    try {
      return vm.runInContext(code, context, { timeout: left() });
    } catch (error) {
      if (isTimeout(error)) timedOut = true;
      return undefined;
    } finally {
      armTimers();
    }
  };
  const armTimers = () => {
    if (timedOut) return;
    let due;
    try {
      due = vm.runInContext('__cascadeHarness.timers()', context, { timeout: left() });
    } catch (error) {
      if (isTimeout(error)) timedOut = true;
      return;
    }
    if (typeof due !== 'string' || due === '') return;
    for (const item of due.split(',')) {
      const [id, ms] = item.split(':').map(Number);
      const handle = realSetTimeout(() => { handles.delete(handle); enter('__cascadeHarness.fire(' + id + ')'); }, ms);
      handles.add(handle);
    }
  };
  const pause = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));

  /** One test: the harness says pass, fail or `error <Type>`; a vm timeout says timeout. */
  const runTest = async (script, isAsync) => {
    timedOut = false;
    const start = performance.now();
    deadline = start + limitMs;
    let result;
    try {
      result = script.runInContext(context, { timeout: limitMs });
    } catch (error) {
      result = isTimeout(error) ? 'timeout' : 'error ' + label(error);
      if (isTimeout(error)) timedOut = true;
    }
    armTimers();
    if (isAsync && typeof result === 'number') {
      const id = result;
      result = 'pending';
      while (!timedOut && performance.now() < deadline) {
        result = enter('__cascadeHarness.status(' + id + ')');
        if (result !== 'pending') break;
        await pause(Math.min(5, left()));
      }
    }
    for (const handle of handles) realClearTimeout(handle);
    handles.clear();
    try { vm.runInContext('__cascadeHarness.reset()', context, { timeout: 100 }); } catch (_) { /* a timeout here changes nothing */ }
    const ms = performance.now() - start;
    if (timedOut || typeof result !== 'string' || result === 'pending') return { outcome: 'timeout', type: '-', ms };
    if (result === 'pass' || result === 'fail') return { outcome: result, type: '-', ms };
    return { outcome: 'error', type: result.startsWith('error ') ? result.slice(6) || 'Error' : 'Error', ms };
  };

  const main = async () => {
    let solution;
    try {
      solution = new vm.Script(job.solution, { filename: 'solution.js' });
    } catch (error) {
      emit('E ' + label(error) + ' ' + message(error));
      emit('D');
      return;
    }
    const start = performance.now();
    try {
      solution.runInContext(context, { timeout: limitMs });
    } catch (error) {
      emit('E ' + (isTimeout(error) ? 'timeout' : label(error) + ' ' + message(error)) + ' loading the solution');
      emit('D');
      return;
    }
    emit('L ' + (performance.now() - start).toFixed(3));
    try { vm.runInContext('__cascadeHarness.reset()', context, { timeout: 100 }); } catch (_) { /* nothing to reset then */ }
    for (let index = 0; index < job.tests.length; index++) {
      const test = String(job.tests[index]);
      const isAsync = /\bawait\b/.test(test);
      let script;
      try {
        script = new vm.Script(isAsync
          ? '__cascadeHarness.start(async (assert, require) => {\n' + test + '\n});'
          : '__cascadeHarness.run((assert, require) => {\n' + test + '\n});', { filename: 'test_' + index + '.js' });
      } catch (error) {
        emit('T ' + index + ' error 0 ' + label(error));
        continue;
      }
      const result = await runTest(script, isAsync);
      emit('T ' + index + ' ' + result.outcome + ' ' + result.ms.toFixed(3) + ' ' + result.type);
    }
    emit('D');
  };

  main().then(() => process.exit(0), () => process.exit(70));
})();
"""#
