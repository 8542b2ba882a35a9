#!/usr/bin/python3
# fakeserver.py SOCKET DIR: a unix control socket standing for a daemon
# that misbehaves, chosen by the command's name; what the agent forwarded
# is stored in DIR/NAME.txt.
import json, os, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(5)
replies = {
    "fake-garbage": b"xyz",
    "fake-partial": b'{"result": 0',
    "fake-list": b'[{"result": 0, "text": "a"}, {"result": 1}]',
    "fake-big-int": b'{"result": 0, "arguments": {"n": 18446744073709551615}}',
    "fake-trailing": b'{"result": 0} trailing',
    "fake-map-unsorted": b'{"text": "t", "result": 3, "arguments": {"b": 1, "a": [1.5, true, null]}}',
}
while True:
    c, _ = srv.accept()
    c.settimeout(5)
    data = b""
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
            try:
                cmd = json.loads(data)
                break
            except ValueError:
                continue
    except socket.timeout:
        pass
    try:
        name = json.loads(data).get("command", "x")
    except Exception:
        name = "unparsable"
    with open(os.path.join(out, name + ".txt"), "wb") as f:
        f.write(data)
    if name == "fake-close":
        c.close()
        continue
    if name == "fake-slow":
        time.sleep(12)
    c.sendall(replies.get(name, b'{ "result": 0, "text": "fake" }'))
    c.close()
