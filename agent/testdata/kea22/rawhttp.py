#!/usr/bin/python3
# rawhttp.py PORT < request > response: sends a raw HTTP request and prints
# the raw response (read up to its Content-Length), or "<<NO ANSWER>>".
import socket, sys
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
s.sendall(data)
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
        head, sep, body = out.partition(b"\r\n\r\n")
        if sep:
            n = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    n = int(v)
            if len(body) >= n:
                break
except socket.timeout:
    out += b"<<TIMEOUT>>"
sys.stdout.buffer.write(out if out else b"<<NO ANSWER>>")
