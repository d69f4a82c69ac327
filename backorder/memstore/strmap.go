package memstore

// strMap maps strings (SKUs, sequence names) to pointers, with the keys
// found or stored lately in a small table beside the map, each in the
// slot recentSlot picks (as the interner keeps its recent names). Placing
// an order looks up each line's SKU in the positions, the holders and
// the sequences, again and again for the same few SKUs: comparing with
// one string costs a fraction of hashing it and probing a Go map.
//
// The zero strMap is not ready: use newStrMap. A nil value is never
// stored (it means none).
type strMap[T any] struct {
	m      map[string]*T
	recent [recentSlots]strSlot[T]
}

// strSlot is a slot of strMap.recent: a key and its value, or nil.
type strSlot[T any] struct {
	k string
	v *T
}

func newStrMap[T any]() strMap[T] { return strMap[T]{m: make(map[string]*T)} }

// get returns k's value, or nil.
func (c *strMap[T]) get(k string) *T {
	if k == "" {
		return c.m[k]
	}
	s := &c.recent[recentSlot(k)]
	if s.v != nil && s.k == k {
		return s.v
	}
	v := c.m[k]
	if v != nil {
		s.k, s.v = k, v
	}
	return v
}

// set sets k's value to v, which is not nil.
func (c *strMap[T]) set(k string, v *T) {
	c.m[k] = v
	if k != "" {
		s := &c.recent[recentSlot(k)]
		s.k, s.v = k, v
	}
}

// del deletes k.
func (c *strMap[T]) del(k string) {
	delete(c.m, k)
	if k != "" {
		if s := &c.recent[recentSlot(k)]; s.v != nil && s.k == k {
			*s = strSlot[T]{}
		}
	}
}
