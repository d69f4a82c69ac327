package backorder

// smallMap is a map for a work's per-operation indexes by id (lines, order
// headers), which hold a few entries in most operations: up
// to smallMapMax entries it keeps them in two slices and finds a key by
// comparing it with each, and beyond that it moves them to a map. Placing
// or shipping an order made some fifty map operations on these indexes,
// hashing a key each time, and a search of ten keys costs less than one
// hash. The zero value is an empty map.
type smallMap[K comparable, V any] struct {
	keys []K
	vals []V
	m    map[K]V // the entries, once there were more than smallMapMax
}

// smallMapMax is the most entries a smallMap keeps in its slices.
const smallMapMax = 16

// get returns the value at k, if there is one.
func (s *smallMap[K, V]) get(k K) (V, bool) {
	if s.m != nil {
		v, ok := s.m[k]
		return v, ok
	}
	for i := range s.keys {
		if s.keys[i] == k {
			return s.vals[i], true
		}
	}
	var zero V
	return zero, false
}

// set sets the value at k.
func (s *smallMap[K, V]) set(k K, v V) {
	if s.m != nil {
		s.m[k] = v
		return
	}
	for i := range s.keys {
		if s.keys[i] == k {
			s.vals[i] = v
			return
		}
	}
	if len(s.keys) < smallMapMax {
		s.keys = append(s.keys, k)
		s.vals = append(s.vals, v)
		return
	}
	s.m = make(map[K]V, 2*smallMapMax)
	for i := range s.keys {
		s.m[s.keys[i]] = s.vals[i]
	}
	s.m[k] = v
	clear(s.vals) // hold no references
	s.keys, s.vals = s.keys[:0], s.vals[:0]
}

// add sets the value at k, which s does not hold: the caller has just
// looked it up, or knows it is new. It skips set's search for k (a second
// search of every key per line that shipping reads).
func (s *smallMap[K, V]) add(k K, v V) {
	if s.m == nil && len(s.keys) < smallMapMax {
		s.keys = append(s.keys, k)
		s.vals = append(s.vals, v)
		return
	}
	s.set(k, v)
}

// reset empties s, keeping its slices. A map it made is dropped, so that
// the next operation, most likely a small one, searches the slices again
// (an operation large enough to need a map makes it again, once).
func (s *smallMap[K, V]) reset() {
	clear(s.vals) // hold no references
	s.keys, s.vals, s.m = s.keys[:0], s.vals[:0], nil
}
