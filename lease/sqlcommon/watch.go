package sqlcommon

import (
	"sync"
	"sync/atomic"
)

// watchers is a copy-on-write list of change callbacks: notifying costs
// one atomic load when nobody watches.
type watchers[C any] struct {
	mu   sync.Mutex
	next int
	list atomic.Pointer[[]watcher[C]]
}

type watcher[C any] struct {
	id int
	fn func(C)
}

func (w *watchers[C]) add(fn func(C)) (cancel func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	id := w.next
	var cur []watcher[C]
	if p := w.list.Load(); p != nil {
		cur = *p
	}
	nl := append(append([]watcher[C](nil), cur...), watcher[C]{id, fn})
	w.list.Store(&nl)
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		var nl []watcher[C]
		if p := w.list.Load(); p != nil {
			for _, x := range *p {
				if x.id != id {
					nl = append(nl, x)
				}
			}
		}
		w.list.Store(&nl)
	}
}

func (w *watchers[C]) active() bool {
	p := w.list.Load()
	return p != nil && len(*p) > 0
}

func (w *watchers[C]) notify(c C) {
	if p := w.list.Load(); p != nil {
		for _, x := range *p {
			x.fn(c)
		}
	}
}
