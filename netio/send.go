package netio

import "time"

// SetReadDeadline sets the deadline for ReadBatch.
func (c *RawConn4) SetReadDeadline(t time.Time) error { return c.s.f.SetReadDeadline(t) }

// SetReadDeadline sets the deadline for ReadBatch.
func (c *UDPConn4) SetReadDeadline(t time.Time) error { return c.s.f.SetReadDeadline(t) }

// SetReadDeadline sets the deadline for ReadBatch.
func (c *UDPConn6) SetReadDeadline(t time.Time) error { return c.s.f.SetReadDeadline(t) }

// sendOne sends one packet without building a slice on the heap.
func sendOne(c Conn, p *Packet) error {
	switch c := c.(type) {
	case *RawConn4:
		return c.Send(p)
	case *UDPConn4:
		return c.Send(p)
	case *UDPConn6:
		return c.Send(p)
	}
	one := []*Packet{p}
	_, err := c.WriteBatch(one)
	return err
}

// Send sends one packet (see WriteBatch).
func (c *RawConn4) Send(p *Packet) error {
	one := [1]*Packet{p}
	_, err := c.WriteBatch(one[:])
	return err
}

// Send sends one packet (see WriteBatch).
func (c *UDPConn4) Send(p *Packet) error {
	one := [1]*Packet{p}
	_, err := c.WriteBatch(one[:])
	return err
}

// Send sends one packet (see WriteBatch).
func (c *UDPConn6) Send(p *Packet) error {
	one := [1]*Packet{p}
	_, err := c.WriteBatch(one[:])
	return err
}
