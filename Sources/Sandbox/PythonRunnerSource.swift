/// The Python side of the runner protocol (see `RunnerInput` and `RunnerReport`), run as
/// `python3 -I -S -B -c` (or as marshalled bytecode, see `PythonRunner.preparedArguments`).
///
/// The verdict is decided where candidate code never runs. The runner forks first thing,
/// before it reads its job: the child (the worker) closes stdin and the results descriptor,
/// never holds the nonce or the tests, and only loads the candidate and answers requests.
/// The parent (the judge) reads the job, then runs each test's code itself, with pristine
/// builtins, in a namespace where the candidate's names are fetched from the worker.
/// Calling one sends the arguments as data and gets the result back as data: plain values
/// (None, bool, int, float, complex, str, bytes, containers, and a few standard-library
/// value types such as Counter or Decimal) are rebuilt as the judge's own objects, and
/// anything else stays in the worker behind a handle that is equal only to itself (or to a
/// handle of the same class with equal attributes). So `==`, `in` and `assert` are always
/// the judge's, a result overriding `__eq__` compares as what it is, and frames, `gc`,
/// `builtins.exec` or the test list are out of reach because they are in another process.
/// The judge is made non-dumpable before the fork (PR_SET_DUMPABLE 0), so a worker without
/// CAP_SYS_PTRACE cannot trace it, read its memory or take its descriptors; under
/// bubblewrap or namespaces it is also PID 1, which nothing inside can kill. Whatever the
/// worker does (dies, hangs, sends garbage) ends as an error or a timeout of the test it
/// happened in and NotRun for the rest, never as a pass. Names of builtins are never taken
/// from the candidate, so its own `len` or `sorted` is not the test's.
///
/// Each test runs under a SIGALRM timer in the judge, and every request carries what is left
/// of it, so the worker arms its own timer; a candidate that swallows the timeout or holds the
/// GIL in C is stopped by the judge's watchdog thread at twice the limit (that test is a
/// timeout, the rest are not run). Only built-in modules are imported (`posix`, `_signal`,
/// `_thread`, `time`, `_ctypes` for prctl): `json` and `signal` would pull in `re` and `enum`
/// and cost more than the rest of the start-up.
let pythonRunnerSource = #"""
import posix, _signal, time, _thread, builtins, sys

# Two processes. The judge holds the job, the nonce and the results descriptor and runs
# the tests; the worker, forked before the judge reads anything, loads the candidate and
# runs only what the tests ask of it. Values cross between them as data; what is not a
# plain value crosses as a numbered handle, so candidate code never runs in the judge and
# judge code never runs in the worker, and `==`, `in` and `assert` are always evaluated
# by the judge on plain values.


class CascadeTimeout(BaseException):
    pass


class WorkerGone(BaseException):
    pass


class Tampered(BaseException):
    """The other side sent something that is not a message of this protocol."""


class Remote:
    """An object of the other process, used through requests; never equal to a value."""

    __slots__ = ("_link", "_handle", "_buffer", "_batch", "__weakref__")

    def __init__(self, link, handle):
        self._link, self._handle, self._buffer, self._batch = link, handle, [], 1

    def __call__(self, *args, **kwargs):
        return self._link.call(self, args, kwargs)

    def __getattr__(self, name):
        return self._link.request("getattr", self, name)

    def __setattr__(self, name, value):
        if name in Remote.__slots__:
            object.__setattr__(self, name, value)
        else:
            self._link.request("setattr", self, name, value)

    def __getitem__(self, key):
        return self._link.request("getitem", self, key)

    def __setitem__(self, key, value):
        self._link.request("setitem", self, key, value)

    def __len__(self):
        return self._link.request("len", self)

    def __bool__(self):
        return self._link.request("bool", self)

    def __str__(self):
        return self._link.request("str", self)

    def __repr__(self):
        return self._link.request("repr", self)

    def __iter__(self):
        return self._link.request("iter", self)

    def __next__(self):
        # Items come in growing batches: one at first, so `next()` takes exactly one.
        if not self._buffer:
            items, done = self._link.request("take", self, self._batch)
            self._batch = min(self._batch * 2, 256)
            if done and not items:
                raise StopIteration
            self._buffer = list(items)[::-1]
        return self._buffer.pop()

    def __instancecheck__(self, value):
        return self._link.request("isinstance", self, value)

    def __eq__(self, other):
        # Never the other side's `__eq__`: the same object, or two of its objects of the
        # same class whose attributes are equal here (a dataclass built by a test).
        if self is other:
            return True
        if type(other) is not Remote or other._link is not self._link:
            return False
        kind, fields = self._link.request("state", self)
        other_kind, other_fields = self._link.request("state", other)
        return kind is other_kind and fields is not None and fields == other_fields

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return id(self)


OPS = {
    "getattr": getattr, "setattr": setattr, "getitem": lambda o, k: o[k],
    "setitem": lambda o, k, v: o.__setitem__(k, v), "len": len, "bool": bool, "str": str,
    "repr": repr, "iter": iter, "isinstance": lambda o, v: isinstance(v, o),
    "state": lambda o: (type(o), dict(vars(o)) if hasattr(o, "__dict__") and type(o) is not type else None),
}
MUTABLE = (list, dict, set, bytearray)
SCALARS = {int: b"i", float: b"f", complex: b"c", str: b"s", bytes: b"b", bytearray: b"B"}
SEQUENCES = {list: b"l", tuple: b"t", set: b"S", frozenset: b"Z"}
BASES = (int, float, complex, str, bytes, tuple, list, dict, set, frozenset)
FACTORIES = ("list", "int", "set", "dict", "str", "float", "tuple", "frozenset", "bool")
SPECIAL = ("collections.OrderedDict", "collections.Counter", "collections.defaultdict", "collections.deque",
           "decimal.Decimal", "fractions.Fraction", "datetime.date", "datetime.datetime", "datetime.time",
           "datetime.timedelta", "builtins.dict_keys", "builtins.dict_values", "builtins.dict_items", "builtins.range")


def standard(module_name):
    """Whether a module is one of the standard library's (each side imports its own copy)."""
    top = str(module_name).split(".")[0]
    names = getattr(sys, "stdlib_module_names", None)
    return top != "__main__" and (names is None or top in names)


def special(value):
    """Standard-library value types, as (name, plain payload); None for anything else."""
    name = getattr(type(value), "__module__", "") + "." + getattr(type(value), "__qualname__", "")
    if name in ("collections.OrderedDict", "collections.Counter"):
        return name, list(value.items())
    if name == "collections.defaultdict":
        factory = getattr(value.default_factory, "__name__", None)
        return name, (factory if value.default_factory is getattr(builtins, str(factory), 0) else None, list(value.items()))
    if name == "collections.deque":
        return name, (list(value), value.maxlen)
    if name in ("decimal.Decimal", "datetime.date") or (name in ("datetime.datetime", "datetime.time") and value.tzinfo is None):
        return name, str(value) if name == "decimal.Decimal" else value.isoformat()
    if name == "fractions.Fraction":
        return name, (value.numerator, value.denominator)
    if name == "datetime.timedelta":
        return name, (value.days, value.seconds, value.microseconds)
    if name in ("builtins.dict_keys", "builtins.dict_values", "builtins.dict_items"):
        return name, list(value)
    if name == "builtins.range":
        return name, (value.start, value.stop, value.step)
    return None


def rebuild(name, payload):
    """This side's own instance of a standard-library value type."""
    if name not in SPECIAL:
        raise ValueError("not a known value type")
    if name == "builtins.range":
        return range(*payload)
    if name == "builtins.dict_keys":
        return dict.fromkeys(payload).keys()
    if name == "builtins.dict_items":
        return dict(payload).items()
    if name == "builtins.dict_values":
        return dict(enumerate(payload)).values()
    if name.startswith("collections."):
        import collections
        if name == "collections.defaultdict":
            factory, items = payload
            return collections.defaultdict(getattr(builtins, factory) if factory in FACTORIES else None, items)
        if name == "collections.deque":
            return collections.deque(*payload)
        return getattr(collections, name.split(".")[1])(dict(payload) if name.endswith("Counter") else payload)
    if name == "decimal.Decimal":
        import decimal
        return decimal.Decimal(payload)
    if name == "fractions.Fraction":
        import fractions
        return fractions.Fraction(*payload)
    import datetime
    if name == "datetime.timedelta":
        return datetime.timedelta(*payload)
    return getattr(datetime, name.split(".")[1]).fromisoformat(payload)


class Link:
    """One end of the pipe pair between judge and worker: the codec and the request loop.

    `strict` is the judge's end: the worker may only call, iterate and read public
    attributes of what the tests handed it, never look anything up by name."""

    def __init__(self, rfd, wfd, strict):
        self.rfd, self.wfd, self.strict = rfd, wfd, strict
        self.pending = b""
        self.exported, self.export_ids, self.remotes = [], {}, {}
        self.mirrors, self.mirror_handles = {}, {}
        self.fired = False        # the timer went off while this side was busy
        self.broken = None         # "gone" or "tampered": the other side is unusable
        self.serve_hook = None     # the worker's handler for "get" and "load"

    # ---- encoding ----

    def export(self, value):
        key = id(value)
        if key not in self.export_ids:
            self.export_ids[key] = len(self.exported)
            self.exported.append(value)
        return self.export_ids[key]

    def pack(self, value, out, path):
        kind = type(value)
        if value is None or value is True or value is False or value is Ellipsis:
            out.append({None: b"N", True: b"T", False: b"F", Ellipsis: b"E"}[value])
        elif kind in SCALARS:
            if kind is int:
                data = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
            elif kind is float:
                data = value.hex().encode()
            elif kind is complex:
                data = (value.real.hex() + " " + value.imag.hex()).encode()
            elif kind is str:
                data = value.encode("utf-8", "surrogatepass")
            else:
                data = bytes(value)
            out.append(SCALARS[kind] + b"%d:" % len(data))
            out.append(data)
        elif kind in (list, tuple) and len(value) >= 32 and self.pack_numbers(value, out):
            pass
        elif (kind in SEQUENCES or kind is dict) and id(value) not in path and len(path) < 100:
            path.add(id(value))
            items = [x for pair in value.items() for x in pair] if kind is dict else value
            out.append((SEQUENCES.get(kind) or b"d") + b"%d:" % len(value))
            for item in items:
                self.pack(item, out, path)
            path.discard(id(value))
        elif kind is Remote and value._link is self:
            out.append(b"y%d:" % value._handle)
        elif kind is type(builtins) and standard(value.__name__):
            out.append(b"m")
            self.pack(value.__name__, out, path)
        elif kind is type and issubclass(value, BaseException):
            if value in self.mirror_handles:
                out.append(b"y%d:" % self.mirror_handles[value])
            elif getattr(builtins, value.__name__, None) is value:
                out.append(b"e")
                self.pack(value.__name__, out, path)
            else:
                base = next(b for b in value.__mro__ if getattr(builtins, b.__name__, None) is b)
                out.append(b"x%d:" % self.export(value))
                self.pack((base.__name__, value.__name__), out, path)
        else:
            found = special(value) if len(path) < 100 else None
            if found is None and len(path) < 100:
                base = next((b for b in BASES if isinstance(value, b)), None)
                if base is not None and kind is not Remote:
                    return self.pack(base(value), out, path)
            if found is None:
                out.append(b"o%d:" % self.export(value))
            else:
                out.append(b"X")
                self.pack(found, out, path)

    @staticmethod
    def pack_numbers(value, out):
        """A long list or tuple of only ints (64-bit) or only floats, as one machine array."""
        kind = type(value[0])
        if kind not in (int, float) or not all(type(item) is kind for item in value):
            return False
        import array
        try:
            raw = array.array("q" if kind is int else "d", value).tobytes()
        except OverflowError:
            return False
        out.append(b"a" + (b"l" if type(value) is list else b"t") + (b"q" if kind is int else b"d") + b"%d:" % len(raw))
        out.append(raw)
        return True

    def encoded(self, value):
        out = []
        self.pack(value, out, set())
        return b"".join(out)

    def unpack(self, data, at):
        tag = data[at:at + 1]
        if tag == b"a":
            import array
            container, code = data[at + 1:at + 2], data[at + 2:at + 3]
            colon = data.index(b":", at)
            size = int(data[at + 3:colon])
            raw = data[colon + 1:colon + 1 + size]
            if container not in (b"l", b"t") or code not in (b"q", b"d") or len(raw) != size or size % 8:
                raise ValueError("bad array")
            items = array.array(code.decode(), raw).tolist()
            return (items if container == b"l" else tuple(items)), colon + 1 + size
        if tag in (b"N", b"T", b"F", b"E"):
            return {b"N": None, b"T": True, b"F": False, b"E": Ellipsis}[tag], at + 1
        if tag in (b"m", b"e", b"X", b"x"):
            if tag == b"x":
                colon = data.index(b":", at)
                handle = int(data[at + 1:colon])
                (base, name), at = self.unpack(data, colon + 1)
                return self.mirror(handle, base, name), at
            payload, at = self.unpack(data, at + 1)
            if tag == b"m":
                if not standard(payload):
                    raise ValueError("module not in the standard library")
                __import__(payload)
                return sys.modules[payload], at
            if tag == b"e":
                value = getattr(builtins, payload)
                if not (type(value) is type and issubclass(value, BaseException)):
                    raise ValueError("not an exception type")
                return value, at
            return rebuild(*payload), at
        colon = data.index(b":", at)
        size = int(data[at + 1:colon])
        at = colon + 1
        if tag in (b"i", b"f", b"c", b"s", b"b", b"B"):
            raw = data[at:at + size]
            if len(raw) != size:
                raise ValueError("truncated")
            if tag == b"i":
                value = int.from_bytes(raw, "little", signed=True)
            elif tag == b"f":
                value = float.fromhex(raw.decode())
            elif tag == b"c":
                real, imag = raw.decode().split(" ")
                value = complex(float.fromhex(real), float.fromhex(imag))
            elif tag == b"s":
                value = raw.decode("utf-8", "surrogatepass")
            else:
                value = bytes(raw) if tag == b"b" else bytearray(raw)
            return value, at + size
        if tag in (b"l", b"t", b"S", b"Z", b"d"):
            items = []
            for _ in range(size * 2 if tag == b"d" else size):
                item, at = self.unpack(data, at)
                items.append(item)
            if tag == b"d":
                return dict(zip(items[0::2], items[1::2])), at
            return {b"l": list, b"t": tuple, b"S": set, b"Z": frozenset}[tag](items), at
        if tag == b"y":
            return self.exported[size], at
        if tag == b"o":
            if size not in self.remotes:
                self.remotes[size] = Remote(self, size)
            return self.remotes[size], at
        raise ValueError("bad tag")

    def mirror(self, handle, base, name):
        """A local stand-in for the other side's exception class, so `except` and `raise` work."""
        if handle not in self.mirrors:
            root = getattr(builtins, base)
            if not (type(root) is type and issubclass(root, BaseException)):
                raise ValueError("not an exception type")
            cls = type(str(name), (root,), {"__module__": "candidate"})
            self.mirrors[handle], self.mirror_handles[cls] = cls, handle
        return self.mirrors[handle]

    # ---- messages ----

    def send(self, message):
        out = []
        self.pack(message, out, set())
        body = b"".join(out)
        data = memoryview(b"%d\n" % len(body) + body)
        while data:
            data = data[posix.write(self.wfd, data):]

    def fill(self, size):
        """Reads until at least `size` bytes are pending."""
        chunks, have = [self.pending], len(self.pending)
        while have < size:
            chunk = posix.read(self.rfd, max(1 << 16, size - have))
            if not chunk:
                self.broken = "gone"
                raise WorkerGone()
            chunks.append(chunk)
            have += len(chunk)
        self.pending = b"".join(chunks)

    def receive(self):
        """The next message: `<length>\n<encoded tuple>`; anything else means the other side is not to be trusted."""
        while b"\n" not in self.pending[:24]:
            if len(self.pending) >= 24:
                self.broken = "tampered"
                raise Tampered()
            self.fill(len(self.pending) + 1)
        end = self.pending.index(b"\n")
        if not self.pending[:end].isdigit():
            self.broken = "tampered"
            raise Tampered()
        size = int(self.pending[:end])
        self.fill(end + 1 + size)
        body, self.pending = self.pending[end + 1:end + 1 + size], self.pending[end + 1 + size:]
        try:
            message, at = self.unpack(body, 0)
        except CascadeTimeout:
            raise
        except BaseException:
            self.broken = "tampered"
            raise Tampered()
        if at != len(body) or type(message) is not tuple or len(message) < 2:
            self.broken = "tampered"
            raise Tampered()
        return message

    # ---- requests ----

    def request(self, op, *args):
        """Asks the other side; serves its requests meanwhile; returns its answer or raises its exception."""
        return self.wait(("q", self.budget(), op) + args)[2]

    def call(self, target, args, kwargs):
        reply = self.wait(("q", self.budget(), "call", target, args, kwargs))
        # Lists, dicts and sets the callee changed in place are changed here too.
        for index, value in reply[3]:
            original = args[index]
            if type(original) is not type(value):
                continue
            if type(value) in (list, bytearray):
                original[:] = value
            else:
                original.clear()
                original.update(value)
        return reply[2]

    def wait(self, message):
        self.send(message)
        while True:
            reply = self.receive()
            if reply[0] == "q":
                self.serve(reply)
                continue
            if self.fired or reply[1] == "timeout":
                self.fired = True
                raise CascadeTimeout()
            if reply[1] == "ok":
                return reply
            raise self.exception(reply[2], reply[3])

    def budget(self):
        """What is left of the current test's time (the judge's end sets this)."""
        return 0.0

    def exception(self, cls, text):
        if not (type(cls) is type and issubclass(cls, BaseException)) or cls is CascadeTimeout:
            return RuntimeError(text)
        try:
            return cls(text)
        except BaseException:
            return cls()

    def serve(self, message):
        """Answers one request of the other side; always replies, whatever happens."""
        try:
            op, args = message[2], message[3:]
            if op == "call":
                target, positional, named = args
                before = [(i, self.encoded(a)) for i, a in enumerate(positional) if type(a) in MUTABLE]
                result = target(*positional, **named)
                changed = [(i, positional[i]) for i, old in before if self.encoded(positional[i]) != old]
                reply = ("r", "ok", result, changed)
            elif op == "take":
                iterator, count = args
                items = []
                try:
                    while len(items) < count:
                        items.append(next(iterator))
                    reply = ("r", "ok", (items, False))
                except StopIteration:
                    reply = ("r", "ok", (items, True))
            elif op in OPS and not (self.strict and op in ("getattr", "setattr") and str(args[1]).startswith("_")):
                reply = ("r", "ok", OPS[op](*args))
            elif self.serve_hook is not None:
                reply = ("r", "ok", self.serve_hook(op, args))
            else:
                raise AttributeError("not available to the candidate")
        except CascadeTimeout:
            reply = ("r", "timeout")
        except BaseException as exc:
            reply = ("r", "raise", type(exc), " ".join(str(exc).split())[:1000])
        try:
            self.send(reply)
        except BaseException as exc:
            self.send(("r", "raise", type(exc) if type(exc) is not CascadeTimeout else RuntimeError, "unsendable result"))


def worker(link, own_code):
    """The candidate's process: loads it, then answers the judge until the pipe closes."""
    namespace = {"__name__": "__cascade_solution__", "__builtins__": builtins}
    state = {"armed": False}

    def on_alarm(signum, frame):
        if not state["armed"]:
            return
        link.fired = True
        if frame is None or frame.f_code not in own_code:
            state["armed"] = False
            raise CascadeTimeout()

    def hook(op, args):
        if op == "get":
            if args[0] in namespace:
                return namespace[args[0]]
            raise NameError(args[0])
        if op == "load":
            exec(compile(args[0], "solution.py", "exec"), namespace)
            return None
        raise AttributeError(op)

    link.serve_hook = hook
    _signal.signal(_signal.SIGALRM, on_alarm)
    while True:
        try:
            message = link.receive()
        except WorkerGone:
            posix._exit(0)
        # A request from the judge: it carries what is left of the test's time.
        link.fired = False
        state["armed"] = True
        _signal.setitimer(_signal.ITIMER_REAL, max(message[1], 0.001))
        try:
            link.serve(message)
        finally:
            state["armed"] = False
            _signal.setitimer(_signal.ITIMER_REAL, 0)


def judge(worker_pid, link, own_code):
    write, perf, setitimer = posix.write, time.perf_counter, _signal.setitimer
    results = posix.dup(3)
    posix.close(3)
    chunks = []
    while True:
        chunk = posix.read(0, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    position = [0]

    def line():
        end = data.index(b"\n", position[0])
        text = data[position[0]:end].decode()
        position[0] = end + 1
        return text

    def field():
        size = int(line())
        text = data[position[0]:position[0] + size].decode("utf-8", "replace")
        position[0] += size
        return text

    nonce = line()
    limit = float(line())
    solution = field()
    tests = [field() for _ in range(int(line()))]
    del data

    state = {"armed": False, "dead": None}
    guard = _thread.allocate_lock()  # held while writing results; the watchdog exits holding it
    current = [None, 0.0]  # index of the running test (-1: loading), its start
    hard_limit = limit * 2 + 0.25

    def watchdog():
        while True:
            time.sleep(hard_limit / 2)
            index, started = current
            if index is None or perf() - started < hard_limit:
                continue
            guard.acquire()
            if current[0] == index and current[1] == started:
                if index < 0:
                    emit_locked("E timeout loading the solution")
                else:
                    emit_locked("T %d timeout %.3f -" % (index, (perf() - started) * 1000.0))
                    for rest in range(index + 1, len(tests)):
                        emit_locked("T %d error 0 NotRun" % rest)
                emit_locked("D")
                try:
                    posix.kill(worker_pid, 9)
                except OSError:
                    pass
                posix._exit(0)
            guard.release()

    def on_alarm(signum, frame):
        if not state["armed"]:
            return
        link.fired = True
        if frame is not None and frame.f_code in own_code:
            return
        state["armed"] = False
        raise CascadeTimeout()

    def emit_locked(text):
        out = (nonce + " " + text + "\n").encode("utf-8", "replace")
        while out:
            out = out[write(results, out):]

    def emit(text):
        with guard:
            emit_locked(text)

    def kind(exc):
        label = "".join(c if (c.isalnum() or c in "_.") else "_" for c in type(exc).__name__)
        return label[:80] or "Error"

    def gone(tampered=False):
        """Why the worker ended (SIGXCPU counts as a timeout); ends it if it has not."""
        if state["dead"] is None:
            try:
                posix.kill(worker_pid, 9)
            except OSError:
                pass
            try:
                _, status = posix.waitpid(worker_pid, 0)
            except OSError:
                status = 0
            if posix.WIFSIGNALED(status):
                signal = posix.WTERMSIG(status)
                state["dead"] = "timeout" if signal == _signal.SIGXCPU else "Signal%d" % signal
            else:
                state["dead"] = "ProcessExited"
            if tampered:
                state["dead"] = "Tampered"
        return state["dead"]

    class Namespace(dict):
        """A test's globals: its own names, then the candidate's, fetched on first use.

        Names of builtins are never fetched, so a candidate's `len` or `sorted` is not the
        one the test calls. Handles and modules are kept for later tests; values are not,
        as the candidate may change them."""

        def __missing__(self, name):
            if type(name) is not str or name.startswith("__") or name in builtins.__dict__ or name in missing:
                raise KeyError(name)
            if name in kept:
                value = kept[name]
            else:
                try:
                    value = link.request("get", name)
                except NameError:
                    missing.add(name)
                    raise KeyError(name)
                if type(value) in (Remote, type(builtins)):
                    kept[name] = value
            self[name] = value
            return value

    missing, kept = set(), {}
    deadline = [0.0]

    def remaining():
        return max(deadline[0] - perf(), 0.001)

    link.budget = remaining

    def timed(run, index):
        link.fired = False
        _signal.signal(_signal.SIGALRM, on_alarm)
        outcome, error = "pass", "-"
        start = perf()
        deadline[0] = start + limit
        current[1] = start
        current[0] = index
        try:
            state["armed"] = True
            setitimer(_signal.ITIMER_REAL, limit)
            run()
        except AssertionError:
            outcome = "fail"
        except CascadeTimeout:
            outcome = "timeout"
        except BaseException as exc:
            outcome, error = "error", kind(exc)
        current[0] = None
        state["armed"] = False
        setitimer(_signal.ITIMER_REAL, 0)
        elapsed = (perf() - start) * 1000.0
        if link.fired:
            outcome, error = "timeout", "-"
        if link.broken is not None:
            gone(tampered=link.broken == "tampered")
        if state["dead"] is not None:
            outcome, error = ("timeout", "-") if state["dead"] == "timeout" else ("error", state["dead"])
        return outcome, error, elapsed

    _thread.start_new_thread(watchdog, ())

    load_error = []

    def load():
        try:
            link.request("load", solution)
        except SyntaxError as exc:
            load_error.append(kind(exc) + " " + " ".join(str(exc).split())[:300])

    outcome, error, elapsed = timed(load, -1)
    if load_error:
        emit("E " + load_error[0])
        emit("D")
        return
    if outcome != "pass":
        emit("E " + (error if outcome == "error" else outcome) + " loading the solution")
        emit("D")
        return
    emit("L %.3f" % elapsed)
    for index, test in enumerate(tests):
        if state["dead"] is not None:
            emit("T %d error 0 NotRun" % index)
            continue
        try:
            code = compile(test, "test_%d.py" % index, "exec")
        except BaseException as exc:
            emit("T %d error 0 %s" % (index, kind(exc)))
            continue
        missing.clear()
        namespace = Namespace(__name__="__cascade_test__", __builtins__=builtins)
        outcome, error, elapsed = timed(lambda: exec(code, namespace), index)
        emit("T %d %s %.3f %s" % (index, outcome, elapsed, error))
    emit("D")


def _cascade_start():
    # The judge cannot be read or traced by the worker (PR_SET_DUMPABLE 0 needs no
    # capability to set and CAP_SYS_PTRACE to get around), set before the fork so no
    # moment exists when it could.
    try:
        import _ctypes
        class CFunction(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL
        CFunction(_ctypes.dlsym(_ctypes.dlopen(None, 0), "prctl"))(4, 0, 0, 0, 0)
    except BaseException:
        pass
    own_code, stack = set(), [sys._getframe(1).f_code]
    while stack:
        code = stack.pop()
        own_code.add(code)
        stack += [c for c in code.co_consts if type(c) is type(code)]
    to_worker, to_judge = posix.pipe(), posix.pipe()
    pid = posix.fork()
    if pid == 0:
        posix.close(0)
        posix.close(3)
        posix.close(to_worker[1])
        posix.close(to_judge[0])
        worker(Link(to_worker[0], to_judge[1], strict=False), own_code)
        posix._exit(0)
    posix.close(to_worker[0])
    posix.close(to_judge[1])
    judge(pid, Link(to_judge[0], to_worker[1], strict=True), own_code)


_cascade_start()
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BaseException:
    pass
posix._exit(0)
"""#
