package netio

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// batch is a preallocated set of mmsghdr structures for recvmmsg and
// sendmmsg: headers, iovecs, socket addresses and control buffers live in
// long-lived slices so that a batch call allocates nothing.
type batch struct {
	hdrs    []unix.Mmsghdr
	iovs    []unix.Iovec
	names   []unix.RawSockaddrAny
	oob     []byte
	oobSize int
	// single is set once the kernel has answered ENOSYS to recvmmsg or
	// sendmmsg: from then on one recvmsg/sendmsg per packet.
	single bool
}

func newBatch(n, oobSize int) *batch {
	b := &batch{
		hdrs:    make([]unix.Mmsghdr, n),
		iovs:    make([]unix.Iovec, n),
		names:   make([]unix.RawSockaddrAny, n),
		oob:     make([]byte, n*oobSize),
		oobSize: oobSize,
	}
	for i := range b.hdrs {
		h := &b.hdrs[i].Hdr
		h.Iov = &b.iovs[i]
		h.SetIovlen(1)
		h.Name = (*byte)(unsafe.Pointer(&b.names[i]))
		h.Namelen = unix.SizeofSockaddrAny
		if oobSize > 0 {
			h.Control = &b.oob[i*oobSize]
			h.SetControllen(oobSize)
		}
	}
	return b
}

// setBuf points message i at buf and resets the lengths the kernel updates.
func (b *batch) setBuf(i int, buf []byte) {
	b.iovs[i].Base = &buf[0]
	b.iovs[i].SetLen(len(buf))
	h := &b.hdrs[i].Hdr
	h.Namelen = unix.SizeofSockaddrAny
	if b.oobSize > 0 {
		h.SetControllen(b.oobSize)
	}
	h.Flags = 0
	b.hdrs[i].Len = 0
}

// control returns message i's received control data.
func (b *batch) control(i int) []byte {
	if b.oobSize == 0 {
		return nil
	}
	n := int(b.hdrs[i].Hdr.Controllen)
	if n > b.oobSize {
		n = b.oobSize
	}
	return b.oob[i*b.oobSize : i*b.oobSize+n]
}

// controlBuf returns message i's whole control buffer for writing.
func (b *batch) controlBuf(i int) []byte {
	return b.oob[i*b.oobSize : (i+1)*b.oobSize]
}

// recv receives up to n messages with one recvmmsg call (or one recvmsg
// when the kernel has no recvmmsg).
//
// The sockets are non-blocking, so recv and send use raw system calls: they
// skip the Go runtime's entersyscall/exitsyscall, whose first call after an
// idle period wakes the runtime's monitor thread (sysmon) — one futex wake,
// a nanosleep and a futex wait per packet when packets arrive one at a time.
func (b *batch) recv(fd, n int) (int, error) {
	if !b.single {
		r, _, e := unix.RawSyscall6(unix.SYS_RECVMMSG, uintptr(fd), uintptr(unsafe.Pointer(&b.hdrs[0])), uintptr(n), 0, 0, 0)
		if e == 0 {
			return int(r), nil
		}
		if e != unix.ENOSYS {
			return 0, e
		}
		b.single = true
	}
	r, _, e := unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&b.hdrs[0].Hdr)), 0)
	if e != 0 {
		return 0, e
	}
	b.hdrs[0].Len = uint32(r)
	return 1, nil
}

// send sends messages [from, n) with one sendmmsg call (or one sendmsg).
func (b *batch) send(fd, from, n int) (int, error) {
	if !b.single {
		r, _, e := unix.RawSyscall6(unix.SYS_SENDMMSG, uintptr(fd), uintptr(unsafe.Pointer(&b.hdrs[from])), uintptr(n-from), 0, 0, 0)
		if e == 0 {
			return int(r), nil
		}
		if e != unix.ENOSYS {
			return 0, e
		}
		b.single = true
	}
	_, _, e := unix.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&b.hdrs[from].Hdr)), 0)
	if e != 0 {
		return 0, e
	}
	return 1, nil
}

// setName copies a socket address into message i's name.
func (b *batch) setName(i int, p unsafe.Pointer, n int) {
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&b.names[i])), unix.SizeofSockaddrAny), unsafe.Slice((*byte)(p), n))
	b.hdrs[i].Hdr.Namelen = uint32(n)
}

// setControl sets message i's control length (0: none).
func (b *batch) setControl(i, n int) {
	h := &b.hdrs[i].Hdr
	if n == 0 {
		h.Control = nil
		h.SetControllen(0)
		return
	}
	h.Control = &b.oob[i*b.oobSize]
	h.SetControllen(n)
}
