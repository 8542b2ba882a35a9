import socket, os, sys, time
p = sys.argv[1]
if os.path.exists(p): os.unlink(p)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(p); s.settimeout(float(sys.argv[2]))
out = open(sys.argv[3], "wb")
try:
    while True:
        d = s.recv(65536); out.write(repr(d).encode()+b"\n"); out.flush()
except socket.timeout: pass
