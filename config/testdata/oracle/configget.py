#!/usr/bin/env python3
"""configget.py FAMILY OUTDIR CONFIG... — ask Kea 2.2 what config-get shows.

Starts one kea-dhcp4 or kea-dhcp6 (FAMILY 4 or 6) inside a network
namespace it creates (named ncf<FAMILY>-<pid>, only lo inside), then for
each CONFIG (a file holding {"DhcpN": {...}} with an empty interface list)
sends config-set over a unix control socket, then config-get (Kea 2.2 has no
config-hash-get), and writes the answers to OUTDIR/<i>.set.json and
OUTDIR/<i>.get.json (i counts from 0). The script
adds its own control socket and, when the config has none, a non-persistent
memfile lease database and, for DHCPv6 without data-directory, its own
data directory (the server DUID file goes there). One Kea process serves every config. Needs root
and kea-dhcpN. Exit status 0 when Kea ran; a refused config shows in its
set answer.
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time

def command(path, cmd, timeout=20):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
    except OSError as e:
        return json.dumps({"result": -1, "text": str(e)}).encode()
    s.sendall(json.dumps(cmd).encode())
    buf = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        try:
            json.loads(buf)
            break
        except ValueError:
            continue
    s.close()
    return buf

def main():
    fam, out, cfgs = sys.argv[1], sys.argv[2], sys.argv[3:]
    daemon = "Dhcp" + fam
    work = tempfile.mkdtemp(prefix="ncf%s." % fam)
    sock = os.path.join(work, "ctl.sock")
    env = dict(os.environ, KEA_PIDFILE_DIR=work, KEA_LOCKFILE_DIR=work)
    ns = "ncf%s-%d" % (fam, os.getpid())

    def prepare(cfg):
        m = cfg[daemon]
        m["control-socket"] = {"socket-type": "unix", "socket-name": sock}
        m.setdefault("lease-database", {"type": "memfile", "persist": False})
        if fam == "6":
            # Keep the server DUID file out of /var/lib/kea.
            m.setdefault("data-directory", work)
        return cfg

    boot = prepare({daemon: {"interfaces-config": {"interfaces": []}}})
    with open(os.path.join(work, "boot.json"), "w") as f:
        json.dump(boot, f)

    def start():
        if os.path.exists(sock):
            os.unlink(sock)
        log = open(os.path.join(work, "kea.log"), "a")
        p = subprocess.Popen(["ip", "netns", "exec", ns, "kea-dhcp" + fam, "-c",
                              os.path.join(work, "boot.json")], env=env, stdout=log, stderr=log)
        for _ in range(100):
            if os.path.exists(sock):
                return p
            time.sleep(0.05)
        sys.stderr.write("kea-dhcp%s did not open its control socket\n" % fam)
        sys.stderr.write(open(os.path.join(work, "kea.log")).read()[-2000:])
        p.kill()
        p.wait()
        return None

    subprocess.run(["ip", "netns", "add", ns], check=True)
    proc = None
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        # A veth pair (both ends inside) gives kea-dhcp6 a hardware address
        # for its DUID-LLT; no interface is listed, so Kea opens no DHCP
        # socket.
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "add", "d0", "address",
                        "02:00:00:00:00:01", "type", "veth", "peer", "name", "d1"], check=True)
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "d0", "up"], check=True)
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "d1", "up"], check=True)
        # Addresses a dhcp-ddns sender may bind to (the test rewrites the
        # examples' addresses to these); nothing is sent.
        subprocess.run(["ip", "netns", "exec", ns, "ip", "addr", "add", "2001:db8:ffff::2/64",
                        "dev", "d0", "nodad"], check=True)
        subprocess.run(["ip", "netns", "exec", ns, "ip", "addr", "add", "203.0.113.2/24",
                        "dev", "d0"], check=True)
        proc = start()
        if proc is None:
            return 1
        for i, path in enumerate(cfgs):
            cfg = prepare(json.load(open(path)))
            ans = command(sock, {"command": "config-set", "arguments": cfg})
            open(os.path.join(out, "%d.set.json" % i), "wb").write(ans)
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            # Kea may still be reopening its socket after config-set.
            for _ in range(20):
                ans = command(sock, {"command": "config-get"})
                if ans.startswith(b"{") and b'"result": -1' not in ans:
                    break
                time.sleep(0.1)
            if proc.poll() is not None:
                # Kea 2.2 crashes on config-get of some examples: record
                # that and go on with a fresh process.
                ans = json.dumps({"result": -2, "text": "kea-dhcp%s exited (status %s) answering config-get" % (fam, proc.returncode)}).encode()
                proc = start()
                if proc is None:
                    return 1
            open(os.path.join(out, "%d.get.json" % i), "wb").write(ans)
        return 0
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        subprocess.run(["ip", "netns", "del", ns])
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
