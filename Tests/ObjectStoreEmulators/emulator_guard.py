"""Runs an object-store emulator (moto_server, gcp-storage-emulator) on a free loopback port for
one test, and makes sure it never outlives the test process.

Usage: emulator_guard.py -- COMMAND ARGS...   (every "{port}" in the arguments becomes the port)

Prints "port N" once the emulator answers HTTP on 127.0.0.1:N. Stops the emulator (SIGTERM, then
SIGKILL) when standard input closes (the test process's lifeline pipe: closed by the launcher's
deinit, or by the kernel when the test process dies) or when this script gets SIGTERM/SIGINT.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_http(port):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        connection.request("GET", "/")
        connection.getresponse().read()
        connection.close()
        return True
    except OSError:
        return False


def main(argv):
    if "--" not in argv:
        print("usage: emulator_guard.py -- COMMAND ARGS...", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1:]
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    stopping = threading.Event()
    # The signal handler runs on the main thread, possibly while that thread holds the Event's
    # internal lock inside stopping.wait(): calling stopping.set() there deadlocks. It only sets
    # a flag, which the main loop polls.
    signalled = []

    def stop(*_):
        signalled.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        while sys.stdin.buffer.read(4096):
            pass
        stopping.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    deadline = time.monotonic() + 30
    while not answers_http(port):
        if child.poll() is not None:
            print(f"the emulator exited with status {child.returncode} before answering", file=sys.stderr)
            return 1
        if time.monotonic() > deadline or stopping.is_set() or signalled:
            child.kill()
            print("the emulator did not answer HTTP within 30 s", file=sys.stderr)
            return 1
        time.sleep(0.05)
    print(f"port {port}", flush=True)
    while not stopping.is_set() and not signalled and child.poll() is None:
        stopping.wait(0.2)
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
