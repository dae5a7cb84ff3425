/// The Python side of the runner protocol (see `RunnerReport`), run as `python3 -I -S -B -c`.
///
/// It reads its job as JSON on stdin, moves the results descriptor (fd 3) away, then loads
/// the candidate and runs each test under its own SIGALRM timer. Every results line starts
/// with a per-run nonce the candidate never receives, so lines it prints or writes
/// elsewhere do not count. The timer handler never raises inside the runner's own frames,
/// so a late alarm cannot crash the runner; a candidate that swallows the timeout is
/// stopped from outside (wall deadline, CPU limit).
let pythonRunnerSource = #"""
import os, sys, json, signal, time

def _cascade_main():
    write, perf, setitimer = os.write, time.perf_counter, signal.setitimer
    ITIMER_REAL, SIGALRM = signal.ITIMER_REAL, signal.SIGALRM
    results = os.dup(3)
    os.close(3)
    chunks = []
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    job = json.loads(b"".join(chunks))
    nonce = job.pop("nonce")
    limit = float(job["testTimeout"])
    tests = job["tests"]

    class CascadeTimeout(BaseException):
        pass

    state = [False, False]  # armed, fired

    def on_alarm(signum, frame):
        if not state[0]:
            return
        state[1] = True
        if frame is not None and frame.f_code in own_code:
            return
        state[0] = False
        raise CascadeTimeout()

    def emit(text):
        data = (nonce + " " + text + "\n").encode("utf-8", "replace")
        while data:
            data = data[write(results, data):]

    def kind(exc):
        label = "".join(c if (c.isalnum() or c in "_.") else "_" for c in type(exc).__name__)
        return label[:80] or "Error"

    def timed(code, namespace):
        state[1] = False
        signal.signal(SIGALRM, on_alarm)
        outcome, error = "pass", "-"
        start = perf()
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
        state[0] = False
        setitimer(ITIMER_REAL, 0)
        elapsed = (perf() - start) * 1000.0
        if state[1]:
            outcome, error = "timeout", "-"
        return outcome, error, elapsed

    own_code = {on_alarm.__code__, emit.__code__, kind.__code__, timed.__code__, _cascade_main.__code__}

    namespace = {"__name__": "__cascade_solution__", "__builtins__": __builtins__}
    try:
        code = compile(job["solution"], "solution.py", "exec")
    except BaseException as exc:
        emit("E " + kind(exc) + " " + " ".join(str(exc).split())[:300])
        emit("D")
        return
    outcome, error, elapsed = timed(code, namespace)
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
        outcome, error, elapsed = timed(code, dict(namespace))
        emit("T %d %s %.3f %s" % (index, outcome, elapsed, error))
    emit("D")

_cascade_main()
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BaseException:
    pass
os._exit(0)
"""#
