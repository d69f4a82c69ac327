package pgstore_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/backorderkit/backorderkit/allocation"
	"github.com/backorderkit/backorderkit/backorder"
	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// wholeTableReads names, for each statement that reads every row of a
// table by design, that table, which its plan may scan.
var wholeTableReads = map[string]string{
	"locations": "locations", // every location, to rank them
	"prefetch":  "locations", // the same, when asked
}

// TestPlansFindRowsByKey checks the plan of every statement as a
// transaction runs it: a generic plan, made once per connection, with
// sequential scans off (the store's keyPlans statement sets both). A generic
// plan cannot see a parameter's value, so a partial index the statement
// needs must be implied by its literal text; a plan that scans a table
// would make every transaction's cost grow with the table. A connection
// keeps its plans, so they are checked where the planner likes reading
// whole tables most: on empty tables never analyzed, and on small ones
// with statistics.
func TestPlansFindRowsByKey(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, nil)
	checkPlans(t, s, "empty")
	eng, err := backorder.New(backorder.Config{Store: s, Policy: allocation.FIFO{}})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(eng.PutLocation(ctx, backorder.Location{ID: "AMS"}))
	for i := range 20 {
		sku := fmt.Sprintf("P-%02d", i)
		must(eng.PutItem(ctx, backorder.Item{SKU: sku}))
		_, err := eng.Receive(ctx, backorder.Receipt{ID: "GR-" + sku, SKU: sku, Location: "AMS", Qty: 5})
		must(err)
		_, err = eng.PlaceOrder(ctx, backorder.Order{ID: uuid.New(), Customer: "C", Currency: "EUR",
			Lines: []backorder.Line{{ID: uuid.New(), SKU: sku, Qty: 8, UnitPrice: decimal.NewFromInt(1)}}})
		must(err)
	}
	if _, err := testPool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	checkPlans(t, s, "analyzed")
}

// TestPlanSettings checks that every transaction makes the settings its
// statements' plans rely on before its first statement that reads a
// table, whether they go in a statement of their own or, in a writing
// transaction that starts by locking, in the lock statement.
func TestPlanSettings(t *testing.T) {
	s := newStore(t, nil)
	for _, tc := range []struct {
		name                string
		lockFirst, readOnly bool
	}{
		{"update, lock first", true, false},
		{"update, read first", false, false},
		{"view", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pgstore.PlanSettings(context.Background(), s, tc.lockFirst, tc.readOnly)
			if err != nil {
				t.Fatal(err)
			}
			if want := [3]string{"off", "force_generic_plan", "off"}; got != want {
				t.Errorf("settings (enable_seqscan, plan_cache_mode, jit) = %q, want %q", got, want)
			}
		})
	}
}

// checkPlans prepares every statement of s on a new connection, in one
// transaction that runs the store's keyPlans statement first, and fails
// for each plan that reads a whole table.
func checkPlans(t *testing.T, s *pgstore.Store, tables string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	stmts := pgstore.Statements(s)
	if _, err := tx.Exec(ctx, stmts["keyPlans"]); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(stmts))
	for name := range stmts {
		names = append(names, name)
	}
	slices.Sort(names)
	leading, err := leadingColumns(ctx, tx, s.Schema())
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\$(\d+)`)
	checked := 0
	for _, name := range names {
		sql := stmts[name]
		switch strings.Fields(sql)[0] {
		case "SELECT", "WITH", "INSERT", "UPDATE", "DELETE":
		default:
			continue // BEGIN, SET: nothing to plan
		}
		if strings.Contains(sql, "set_config") {
			continue
		}
		n := 0
		for _, m := range param.FindAllStringSubmatch(sql, -1) {
			k, _ := strconv.Atoi(m[1])
			n = max(n, k)
		}
		if _, err := tx.Exec(ctx, "PREPARE p_"+name+" AS "+sql); err != nil {
			t.Fatalf("%s: PREPARE: %v", name, err)
		}
		args := strings.TrimSuffix(strings.Repeat("NULL,", n), ",")
		explain := "EXPLAIN (FORMAT JSON) EXECUTE p_" + name
		if n > 0 {
			explain += "(" + args + ")"
		}
		var plan []struct {
			Plan planNode
		}
		if err := tx.QueryRow(ctx, explain).Scan(&plan); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checked++
		for _, bad := range plan[0].Plan.tableReads(nil, leading) {
			if wholeTableReads[name] != bad.Relation {
				t.Errorf("%s tables: %s reads all of %s (%s on %s, condition %q):\n%s", tables, name, bad.Relation, bad.Type, bad.Index, bad.IndexCond, sql)
			}
		}
	}
	if checked < 50 {
		t.Errorf("checked %d statements; the queries struct has more", checked)
	}
}

// planNode is a node of EXPLAIN's JSON output.
type planNode struct {
	Type      string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	Index     string     `json:"Index Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

// tableReads appends to dst the nodes under p that read a whole table: a
// sequential scan, or an index scan without a condition on the index's
// first column, leading[index] (what the planner picks instead of a scan
// when scans are off: a condition on a later column only filters a walk
// through the whole index).
func (p planNode) tableReads(dst []planNode, leading map[string]string) []planNode {
	switch p.Type {
	case "Seq Scan":
		dst = append(dst, p)
	case "Index Scan", "Index Only Scan", "Bitmap Index Scan":
		col := regexp.MustCompile(`(^|[(. ])` + regexp.QuoteMeta(leading[p.Index]) + ` (=|<|>|<=|>=) `)
		if p.IndexCond == "" || leading[p.Index] == "" || !col.MatchString(p.IndexCond) {
			dst = append(dst, p)
		}
	}
	for _, c := range p.Plans {
		dst = c.tableReads(dst, leading)
	}
	return dst
}

// leadingColumns returns the first column of every index of the schema's
// tables, by index name.
func leadingColumns(ctx context.Context, tx pgx.Tx, schema string) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT c.relname, a.attname FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE c.relnamespace = $1::regnamespace`, schema)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for rows.Next() {
		var idx, col string
		if err := rows.Scan(&idx, &col); err != nil {
			return nil, err
		}
		m[idx] = col
	}
	return m, rows.Err()
}
