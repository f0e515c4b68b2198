"""The zygote: a warm Python inside the sandbox that forks one isolated child per kernel or worker.

Run as a script (``python zygote_server.py SOCKET IDLE_SECONDS``) inside bubblewrap, like ``worker.py``. It imports torch,
ipykernel and the worker's modules once and warms them up on public code only (it never sees a solution, a
check, a reference output or a student's file), then serves requests on a Unix socket, one JSON line each:

    {"kind": "worker" | "kernel", "dir": CHILD_DIR, "cwd": ..., "env": {...}, "limits": {...},
     "connection_file": ... (kernel)}   -> {"pid": ID}; the connection then belongs to the child
    {"kind": "status", "pid": ID}       -> {"status": null (running) | exit status (128 + N for signal N)}
    {"kind": "kill", "pid": ID, "now": false} -> {"ok": true}; the child's status appears once every process of
                                         its namespace is gone ("now": kill its waiting parent at once)

A child is as isolated as a freshly started sandbox: it enters new user, mount, PID, network and IPC
namespaces; gets a private tmpfs ``/tmp``; sees only its own folder of the spool (the zygote's socket and every
sibling's folder are covered); is PID 1 of its namespace (all it starts dies with it); runs with its own rlimits
(the CPU-time count starts at zero at fork), no capabilities, every inherited descriptor closed but its own
connection, a clean environment and reseeded random generators. A worker speaks ``wire`` over its connection; a
kernel is ipykernel's ``IPKernelApp`` on the connection file (its connection only tells the grader it is alive).
The zygote is shared by the grading processes of a machine (``zygote.py``): it leaves once no child is alive and no
request came for IDLE_SECONDS, and it dies with the bubblewrap process that started it (a grader stops it by
killing that). This module imports nothing from the autograder (it is copied into the sandbox).
"""
import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
for _entry in reversed([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]):
    sys.path.insert(1, _entry)  # the student-safe packages (see worker.py)

import numpy  # noqa: E402,F401
import torch  # noqa: E402
from ipykernel.kernelapp import IPKernelApp  # noqa: E402

import randomness  # noqa: E402
import worker  # noqa: E402

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
CLONE_NEWNET, CLONE_NEWIPC = 0x40000000, 0x08000000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
RLIMITS = {"memory_bytes": resource.RLIMIT_AS, "cpu_seconds": resource.RLIMIT_CPU,
           "file_bytes": resource.RLIMIT_FSIZE, "open_files": resource.RLIMIT_NOFILE}


def warm_up():
    """First-use costs paid once, here, instead of in every child: public code only."""
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    w = torch.randn(5, 3, dtype=torch.float64)
    (torch.tanh(x @ w.T).sum() + torch.sigmoid(x).sum() + torch.softmax(x, -1).sum()).backward()
    # a backward with explicit output gradients, as the worker runs them: its first call imports sympy (0.5 s)
    out = torch.tanh(x @ w.T)
    torch.autograd.backward([out], [torch.ones_like(out)])
    cell = torch.nn.LSTM(3, 4, batch_first=True)
    cell(torch.randn(2, 5, 3))[0].sum().backward()
    torch.nn.functional.conv1d(torch.randn(1, 2, 8), torch.randn(3, 2, 3))
    torch.nn.Embedding(10, 4)(torch.tensor([1, 2]))
    import wire
    wire.unpack_header(wire.pack({"warm": True}, {"x": torch.zeros(2)}))
    # what every kernel imports as it starts (IPKernelApp.initialize: the shell, the debugger's debugpy, 0.3 s) and
    # what every week's notebook imports (matplotlib builds its font list, 0.8 s in a new HOME): imported here,
    # the modules are the same in each child; no figure is drawn, so the backend is still chosen in the kernel
    import ipykernel.debugger  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.pyplot  # noqa: F401


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data=None):
    _check(libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags,
                      data and data.encode()), f"mount {target}")


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _drop_capabilities():
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(libc.capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")


def isolate(request, spool):
    """In the forked child: new namespaces, a private /tmp, only its own folder of the spool."""
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    own = os.path.realpath(request["dir"])
    if os.path.commonpath([own, spool]) != spool or own == spool:
        raise ValueError(f"{own} is not a child folder of the spool")
    held = os.open(own, os.O_PATH | os.O_DIRECTORY)  # reachable through /proc/self/fd once covered
    _mount("tmpfs", "/tmp", "tmpfs", 0, f"size={int(request['tmp_bytes'])},mode=1777")
    if os.path.exists(os.path.join(spool, "zygote.sock")):  # a spool outside /tmp: cover it too
        _mount("tmpfs", spool, "tmpfs", 0, "size=65536,mode=755")
    os.makedirs(own)  # in the new, empty tmpfs: the socket and the siblings' folders are gone
    _mount(f"/proc/self/fd/{held}", own, None, MS_BIND | MS_REC)
    os.close(held)


def become_child(request, conn, spool):
    """Runs in the forked child; never returns."""
    code = 70
    try:
        isolate(request, spool)
        alive_r, alive_w = os.pipe()
        pid = fork_retrying()  # the grandchild is PID 1 of the new PID namespace, its child the kernel or worker
        if pid:
            conn.close()
            os.close(alive_r)
            # "kill" arrives as SIGTERM: kill PID 1, and leave only once its namespace is gone (PID 1's exit waits
            # for every process in it), so the grader's next child never finds their processes still counted
            signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
            _, status = os.waitpid(pid, 0)
            os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
        os.close(alive_w)
        _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
        if _readable(alive_r):  # the waiting parent died before PDEATHSIG was set: so must we
            os._exit(code)
        os.close(alive_r)
        # PID 1 only waits: the kernel ignores default-action signals sent to a namespace's init (SIGXCPU at the CPU
        # limit, SIGINT of an interrupt), so the kernel or worker runs as PID 2, where they act as anywhere else
        payload = fork_retrying()
        if payload:
            conn.close()
            _, status = os.waitpid(payload, 0)
            os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
        run_child(request, conn)
    except BaseException as exc:  # noqa: BLE001 - report and leave, never return into the zygote's loop
        try:
            os.write(2, f"zygote child: {type(exc).__name__}: {exc}\n".encode())
        finally:
            os._exit(code)
    os._exit(0)


def fork_retrying(seconds=10.0):
    """os.fork(), waiting while the process limit is reached (a killed child's processes are still going)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return os.fork()
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _readable(fd):
    return bool(select.select([fd], [], [], 0)[0])


def run_child(request, conn):
    os.setsid()  # its own session and process group: ipykernel's interrupt signals the group
    for name, value in request["limits"].items():
        resource.setrlimit(RLIMITS[name], (int(value), int(value)))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _drop_capabilities()
    keep = conn.detach()
    os.set_blocking(keep, True)  # the zygote's accept timeout left it non-blocking
    devnull = os.open(os.devnull, os.O_RDWR)
    if request["kind"] == "worker":
        os.dup2(keep, 0)
        os.dup2(keep, 1)
        os.dup2(devnull, 2)
        os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    else:
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.dup2(keep, 3)  # held open while the kernel lives: the grader sees it close when it dies
        os.closerange(4, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in request["env"].items()})
    os.chdir(request["cwd"])
    randomness.seed_all(int.from_bytes(os.urandom(4), "little"))
    torch.seed()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # watched through a descriptor of its own (the worker moves its connection off 0 and 1 as it starts)
    watched = os.dup(0 if request["kind"] == "worker" else 3)
    threading.Thread(target=_leave_once_the_grader_has, args=(watched,), daemon=True).start()
    if request["kind"] == "worker":
        worker.main()
        os._exit(0)
    sys.path[:] = [p for p in sys.path if p != HERE]
    sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
    IPKernelApp.launch_instance(argv=sys.argv[1:])
    os._exit(0)


def _leave_once_the_grader_has(fd):
    """The grader holds the other end of a child's connection: once it closes (the grader finished, or ended
    without stopping the child), no one will use the child, and it leaves, even in the middle of a student's
    endless loop. The zygote outlives every grader, so a forgotten child would otherwise run on (a worker until its
    CPU limit) and keep the zygote from leaving. Polled, never read: a worker's requests stay in its socket."""
    poller = select.poll()
    poller.register(fd, select.POLLRDHUP)
    while True:
        if poller.poll():  # hang-up, error or a closed descriptor: each means the grader is gone
            os._exit(0)


def serve(path, idle_seconds):
    """Answer requests on the socket at ``path`` until no child is alive and none came for ``idle_seconds``."""
    spool = os.path.realpath(os.path.dirname(path))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(0.05)
    statuses, running = {}, set()
    last_request = time.monotonic()
    while True:
        if not running and time.monotonic() - last_request > idle_seconds:
            os.unlink(path)  # graders that find no socket start a new zygote
            return
        while running:  # reap finished children
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            running.discard(pid)
            statuses[pid] = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        last_request = time.monotonic()
        conn.settimeout(10)
        try:
            request = json.loads(conn.makefile("rb").readline())
            kind = request.get("kind")
            if kind in ("worker", "kernel"):
                pid = fork_retrying()
                if pid == 0:
                    listener.close()
                    become_child(request, conn, spool)
                running.add(pid)
                statuses.pop(pid, None)  # a long-lived zygote reuses numbers: forget the ended child's
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            elif kind == "status":
                conn.sendall(json.dumps({"status": statuses.get(request["pid"])}).encode() + b"\n")
            elif kind == "kill":
                if request["pid"] in running:
                    os.kill(request["pid"], signal.SIGKILL if request.get("now") else signal.SIGTERM)
                conn.sendall(b'{"ok": true}\n')
        except (OSError, ValueError, KeyError, TypeError) as exc:
            try:
                conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
            except OSError:
                pass
        finally:
            conn.close()


if __name__ == "__main__":
    # die with the bubblewrap process outside (a grader stops the zygote by killing it): every child goes too,
    # with the PID namespace whose init this is
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    warm_up()
    serve(sys.argv[1], float(sys.argv[2]))
