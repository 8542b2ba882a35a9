package config

// Opt is an optional configuration value. Set tells a value written in the
// file (or inherited into a scope) from one left to a higher scope or to
// the default, which is what inheritance needs.
type Opt[T any] struct {
	V   T
	Set bool
}

// Some returns a set Opt.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Set: true} }

// Or returns the value if set, else def.
func (o Opt[T]) Or(def T) T {
	if o.Set {
		return o.V
	}
	return def
}

// orOpt returns the first set Opt of the chain (most specific first).
func orOpt[T any](chain ...Opt[T]) Opt[T] {
	for _, o := range chain {
		if o.Set {
			return o
		}
	}
	return Opt[T]{}
}
