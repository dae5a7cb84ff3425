/// The Python side of the runner protocol (see `RunnerInput` and `RunnerReport`), run as
/// `python3 -I -S -B -c`.
///
/// It reads its job on stdin, moves the results descriptor (fd 3) away, then loads the
/// candidate and runs each test under its own SIGALRM timer. Every results line starts with
/// a per-run nonce the candidate never receives, so lines it prints or writes elsewhere do
/// not count. The timer handler never raises inside the runner's own frames, so a late
/// alarm cannot crash the runner; a candidate that swallows the timeout is stopped from
/// from a watchdog thread (at twice the test's limit it reports that test as a timeout, the
/// rest as not run, and exits) or, if the candidate holds the GIL in C, from outside (wall
/// deadline, CPU limit). Only built-in modules (`posix`, `_signal`, `time`)
/// are imported: `json` and `signal` would pull in `re` and `enum` and cost more than the
/// rest of the start-up.
let pythonRunnerSource = #"""
import posix, _signal, time, _thread

def _cascade_main():
    write, perf, setitimer = posix.write, time.perf_counter, _signal.setitimer
    ITIMER_REAL, SIGALRM = _signal.ITIMER_REAL, _signal.SIGALRM
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

    class CascadeTimeout(BaseException):
        pass

    state = [False, False]  # armed, fired
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
                posix._exit(0)
            guard.release()

    def on_alarm(signum, frame):
        if not state[0]:
            return
        state[1] = True
        if frame is not None and frame.f_code in own_code:
            return
        state[0] = False
        raise CascadeTimeout()

    def emit_locked(text):
        data = (nonce + " " + text + "\n").encode("utf-8", "replace")
        while data:
            data = data[write(results, data):]

    def emit(text):
        with guard:
            emit_locked(text)

    def kind(exc):
        label = "".join(c if (c.isalnum() or c in "_.") else "_" for c in type(exc).__name__)
        return label[:80] or "Error"

    def timed(code, namespace, index):
        state[1] = False
        _signal.signal(SIGALRM, on_alarm)
        outcome, error = "pass", "-"
        start = perf()
        current[1] = start
        current[0] = index
        try:
            state[0] = True
            setitimer(ITIMER_REAL, limit)
            exec(code, namespace)
        except AssertionError:
            outcome = "fail"
        except CascadeTimeout:
            outcome = "timeout"
        except BaseException as exc:
            outcome, error = "error", kind(exc)
        current[0] = None
        state[0] = False
        setitimer(ITIMER_REAL, 0)
        elapsed = (perf() - start) * 1000.0
        if state[1]:
            outcome, error = "timeout", "-"
        return outcome, error, elapsed

    own_code = {on_alarm.__code__, emit.__code__, emit_locked.__code__, kind.__code__, timed.__code__, _cascade_main.__code__}
    _thread.start_new_thread(watchdog, ())

    namespace = {"__name__": "__cascade_solution__", "__builtins__": __builtins__}
    try:
        code = compile(solution, "solution.py", "exec")
    except BaseException as exc:
        emit("E " + kind(exc) + " " + " ".join(str(exc).split())[:300])
        emit("D")
        return
    outcome, error, elapsed = timed(code, namespace, -1)
    if outcome != "pass":
        emit("E " + (error if outcome == "error" else outcome) + " loading the solution")
        emit("D")
        return
    emit("L %.3f" % elapsed)
    for index, test in enumerate(tests):
        try:
            code = compile(test, "test_%d.py" % index, "exec")
        except BaseException as exc:
            emit("T %d error 0 %s" % (index, kind(exc)))
            continue
        outcome, error, elapsed = timed(code, dict(namespace), index)
        emit("T %d %s %.3f %s" % (index, outcome, elapsed, error))
    emit("D")

_cascade_main()
try:
    import sys
    sys.stdout.flush()
    sys.stderr.flush()
except BaseException:
    pass
posix._exit(0)
"""#
