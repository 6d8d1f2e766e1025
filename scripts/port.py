#!/usr/bin/env python3
"""Port helpers for the scripts: `check PORT` exits 1 when the port is taken on 127.0.0.1,
`free` prints a free port chosen by the operating system."""
import socket
import sys


def is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "free":
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            print(s.getsockname()[1])
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        try:
            port = int(sys.argv[2])
        except ValueError:
            print(f"not a port number: {sys.argv[2]!r}", file=sys.stderr)
            return 2
        return 0 if is_free(port) else 1
    print("usage: port.py check PORT | port.py free", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
