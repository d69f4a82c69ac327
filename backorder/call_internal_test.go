package backorder

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// callStore is a Store whose transactions are ones the test supplies.
type callStore struct {
	Store
	tx Tx
}

func (s callStore) Update(_ context.Context, fn func(Tx) error) error { return fn(s.tx) }

// callTx is a transaction with no command recorded, whose every other
// read fails, and which records the result it is given.
type callTx struct {
	Tx
	put *Command
}

func (callTx) Command(key string) (Command, error) {
	return Command{}, &NotFoundError{Kind: "command", Key: key}
}

func (t callTx) PutCommand(c Command) error {
	*t.put = c
	return nil
}

// TestCallPoolKeepsNothing runs pooled calls that succeed and fail, and
// checks that a call back in its pool holds nothing but its bound attempt:
// not the caller's input (an order's lines are the caller's memory), not
// the result, not the engine.
func TestCallPoolKeepsNothing(t *testing.T) {
	var put Command
	e := &Engine{store: callStore{tx: callTx{put: &put}}, now: time.Now}
	var p callPool[Order, PlaceResult]
	in := Order{ID: uuid.New(), Customer: "C1", Lines: []Line{{ID: uuid.New(), SKU: "A", Qty: 1}}}
	ok := func(w *work, o *Order) (PlaceResult, error) {
		return PlaceResult{OrderID: o.ID, Lines: []LineResult{{LineID: o.Lines[0].ID, SKU: o.Lines[0].SKU}}}, nil
	}
	errBad := errors.New("bad")
	bad := func(*work, *Order) (PlaceResult, error) { return PlaceResult{}, errBad }

	for _, tc := range []struct {
		name string
		fn   func(*work, *Order) (PlaceResult, error)
		err  error
	}{{"succeeds", ok, nil}, {"fails", bad, errBad}} {
		t.Run(tc.name, func(t *testing.T) {
			// A pool may drop what it is given (the race detector makes it
			// drop some on purpose): run calls until one comes back.
			var c *call[Order, PlaceResult]
			for range 100 {
				res, err := p.run(context.Background(), e, "order/x", &in, nil, tc.fn)
				require.ErrorIs(t, err, tc.err)
				if tc.err == nil {
					require.Equal(t, in.ID, res.OrderID)
					require.JSONEq(t, string(put.Result), string(jsonOfResult(t, &res)))
				} else {
					require.Zero(t, res)
				}
				if c, _ = p.pool.Get().(*call[Order, PlaceResult]); c != nil {
					break
				}
			}
			require.NotNil(t, c, "the pool never gave a call back")
			require.NotNil(t, c.try)
			try := c.try
			c.try = nil
			require.Zero(t, *c, "a pooled call keeps what it ran")
			c.try = try
			p.pool.Put(c)
		})
	}
}

func jsonOfResult(t *testing.T, r *PlaceResult) []byte {
	t.Helper()
	b, err := appendResult(nil, r)
	require.NoError(t, err)
	return b
}
