#!/usr/bin/env python3
"""Replays a case file against Kea 2.2 (kea-dhcp4 or kea-dhcp6 with
libdhcp_lease_cmds.so and libdhcp_stat_cmds.so loaded) and records every
answer byte for byte.

usage: capture.py 4|6 CASES OUT.jsonl

Kea runs in a network namespace of its own (nlc4 / nlc6, loopback only, no
DHCP interface: "interfaces": []) with a persisted memfile database in a
temporary directory. A case file holds one case per line: NAME, a tab, and
the command as JSON. Each command is sent in the canonical compact form
(keys sorted, no spaces) that Nestor's control channel hands to hook
libraries, so the element positions in Kea's error texts are the ones the
Go library computes. The output has one JSON object per case: name,
request (as sent), time (unix seconds just before sending) and answer (the
raw text). The temporary directory is written as $RUN in answers.
Run as root; needs kea-dhcp4/kea-dhcp6 and ip.
"""
import json, os, socket, subprocess, sys, tempfile, time

HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks/"
CONFIG = {
    "4": {"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
        "subnet4": [
            {"id": 1, "subnet": "198.51.100.0/25",
             "pools": [{"pool": "198.51.100.10 - 198.51.100.100"}]},
            {"id": 2, "subnet": "198.51.100.128/25", "valid-lifetime": 5000,
             "pools": [{"pool": "198.51.100.130 - 198.51.100.139"},
                       {"pool": "198.51.100.192/28"}]},
            {"id": 3, "subnet": "203.0.113.0/25"},
        ],
    }},
    "6": {"Dhcp6": {
        "interfaces-config": {"interfaces": []},
        "server-id": {"type": "EN", "enterprise-id": 2495,
                      "identifier": "0102030405", "persist": False},
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "renew-timer": 1000, "rebind-timer": 2000,
        "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64",
             "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}],
             "pd-pools": [{"prefix": "2001:db8:a::", "prefix-len": 48,
                           "delegated-len": 56}]},
            {"id": 2, "subnet": "2001:db8:2::/64", "preferred-lifetime": 3500,
             "valid-lifetime": 5000,
             "pools": [{"pool": "2001:db8:2::/120"}]},
            {"id": 3, "subnet": "2001:db8:3::/64"},
        ],
    }},
}


def canonical(text):
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def send(sock_path, data):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(15)
    for i in range(50):
        try:
            s.connect(sock_path)
            break
        except (ConnectionRefusedError, FileNotFoundError):
            if i == 49:
                raise
            time.sleep(0.1)
    s.sendall(data.encode())
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    return out.decode("utf-8", "replace")


def main():
    fam, cases, outp = sys.argv[1], sys.argv[2], sys.argv[3]
    ns = "nlc" + fam
    # The configuration the answers depend on, for the Go tests to load.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config%s.json" % fam), "w") as f:
        json.dump(CONFIG[fam], f, indent=1)
        f.write("\n")
    run = tempfile.mkdtemp(prefix="nlc%s." % fam)
    os.chmod(run, 0o755)
    sock = os.path.join(run, "kea.sock")
    cfg = json.loads(json.dumps(CONFIG[fam]))
    top = cfg["Dhcp" + fam]
    top["lease-database"] = {"type": "memfile", "persist": True, "lfc-interval": 0,
                             "name": os.path.join(run, "leases%s.csv" % fam)}
    top["control-socket"] = {"socket-type": "unix", "socket-name": sock}
    # No lease reclamation while recording: expired leases added by the
    # cases must stay as the commands left them.
    top["expired-leases-processing"] = {"reclaim-timer-wait-time": 3600,
                                        "flush-reclaimed-timer-wait-time": 0}
    top["hooks-libraries"] = [{"library": HOOKS + "libdhcp_lease_cmds.so"},
                              {"library": HOOKS + "libdhcp_stat_cmds.so"}]
    top["loggers"] = [{"name": "kea-dhcp" + fam, "severity": "DEBUG", "debuglevel": 99,
                       "output_options": [{"output": os.path.join(run, "kea.log")}]}]
    with open(os.path.join(run, "kea.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    env = dict(os.environ, KEA_PIDFILE_DIR=run, KEA_LOCKFILE_DIR=run)
    subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", ns], check=True)
    proc = None
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        def start():
            p = subprocess.Popen(["ip", "netns", "exec", ns, "kea-dhcp" + fam, "-c",
                                  os.path.join(run, "kea.json")], env=env,
                                 stdout=open(os.path.join(run, "stdout"), "a"),
                                 stderr=subprocess.STDOUT)
            for _ in range(100):
                if os.path.exists(sock):
                    return p
                time.sleep(0.1)
            sys.exit("kea-dhcp%s did not start: %s" % (fam, open(os.path.join(run, "stdout")).read()))
        proc = start()
        out = []
        for line in open(cases):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, text = line.split("\t", 1)
            req = canonical(text.replace("$RUN", run))
            t = int(time.time())
            try:
                ans = send(sock, req)
            except OSError:
                ans = ""
            time.sleep(0.05)
            if proc.poll() is not None:
                # Kea 2.2 crashed on this command: record it and restart
                # (the persisted lease file brings the leases back).
                ans = "CRASH"
                os.remove(sock)
                proc = start()
            out.append({"name": name, "request": req.replace(run, "$RUN"), "time": t,
                        "answer": ans.replace(run, "$RUN")})
        with open(outp, "w") as f:
            for o in out:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
        # The lease file as Kea left it, for comparing the lease rows too.
        lf = os.path.join(run, "leases%s.csv" % fam)
        if os.path.exists(lf):
            with open(outp + ".csv", "w") as f:
                f.write(open(lf).read())
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", run])


if __name__ == "__main__":
    main()
