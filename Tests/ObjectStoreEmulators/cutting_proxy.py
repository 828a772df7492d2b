"""A TCP proxy on 127.0.0.1 in front of an emulator that cuts the first connections after a
number of bytes from the server, the way a flaky network drops a long download: what the
ranged, resumable object reads must survive. Not a stand-in for the store: every byte comes
from the real emulator behind it.

Usage: cutting_proxy.py --target PORT --cut-after BYTES --cuts N
Prints "port N" when listening; exits when standard input closes. Connections whose answer
carries a body of at least BYTES (counted from the start of the server's reply, headers
included) are cut in the middle, N times in all; later connections pass through untouched.
"""

import argparse
import socket
import sys
import threading


def pipe(source, sink, limit, on_cut):
    sent = 0
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if limit is not None and sent + len(data) > limit:
                sink.sendall(data[: limit - sent])
                on_cut()
                break
            sink.sendall(data)
            sent += len(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--cut-after", type=int, required=True)
    parser.add_argument("--cuts", type=int, default=1)
    arguments = parser.parse_args()
    cuts = {"left": arguments.cuts}
    lock = threading.Lock()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(f"port {listener.getsockname()[1]}", flush=True)

    def serve():
        while True:
            client, _ = listener.accept()
            upstream = socket.create_connection(("127.0.0.1", arguments.target))
            with lock:
                limit = arguments.cut_after if cuts["left"] > 0 else None

            def cut():
                with lock:
                    cuts["left"] -= 1

            threading.Thread(target=pipe, args=(client, upstream, None, lambda: None), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client, limit, cut), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    while sys.stdin.buffer.read(4096):
        pass


if __name__ == "__main__":
    main()
