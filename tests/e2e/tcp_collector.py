# SPDX-License-Identifier: MIT
"""A minimal IPFIX-over-TCP collector for the export tests: it keeps every byte it reads, in
order, in OUT (ipfixDump decodes that file afterwards), and misbehaves on request.
Prints its port on stdout once it listens on HOST.

  tcp_collector.py OUT HOST [--connections N] [--die-after B | --stall-after B | --close-after B | --hang-after B]

--connections N   accept N connections one after the other, each read to its end (default 1)
--die-after B     SIGKILL itself as soon as it has read B bytes (it has read everything sent so far)
--stall-after B   stop reading after B bytes, and SIGKILL itself once data waits unread
--close-after B   close the first connection after B bytes, then accept the next
--hang-after B    stop reading after B bytes and keep every connection open, reading nothing
                  more, for at most 60 s (a collector that hangs)
"""
import argparse
import fcntl
import os
import signal
import socket
import sys
import termios
import time

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("host")
p.add_argument("--connections", type=int, default=1)
p.add_argument("--die-after", type=int)
p.add_argument("--stall-after", type=int)
p.add_argument("--close-after", type=int)
p.add_argument("--hang-after", type=int)
a = p.parse_args()

family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if a.stall_after or a.hang_after:  # a small, fixed receive buffer, so the exporter soon has data waiting on it
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.bind((a.host, 0))
s.listen(4)
print(s.getsockname()[1], flush=True)

with open(a.out, "wb") as f:
    for k in range(a.connections):
        conn, _ = s.accept()
        total = 0
        while True:
            data = conn.recv(1 << 20)
            if not data:
                break
            f.write(data)
            f.flush()
            total += len(data)
            if a.die_after and total >= a.die_after:
                os.kill(os.getpid(), signal.SIGKILL)
            if a.stall_after and total >= a.stall_after:
                # Stop reading; die once bytes are waiting unread (up to 10 s), so the kernel
                # answers with a reset rather than a FIN.
                for _ in range(100):
                    time.sleep(0.1)
                    waiting = fcntl.ioctl(conn, termios.FIONREAD, b"\0\0\0\0")
                    if int.from_bytes(waiting, sys.byteorder) > 0:
                        break
                time.sleep(0.2)
                os.kill(os.getpid(), signal.SIGKILL)
            if a.close_after and k == 0 and total >= a.close_after:
                break
            if a.hang_after and total >= a.hang_after:
                s.settimeout(60)
                held = [conn]
                try:
                    deadline = time.time() + 60
                    while time.time() < deadline:  # accept reconnections, read none of them
                        held.append(s.accept()[0])
                except OSError:
                    pass
                sys.exit(0)
        conn.close()
