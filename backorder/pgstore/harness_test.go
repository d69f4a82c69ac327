package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/backorderkit/backorderkit/backorder/pgstore"
)

// The tests need a PostgreSQL server. With BACKORDERKIT_PG_DSN set they use
// that one; without it TestMain starts a throwaway server from the
// machine's PostgreSQL binaries (initdb into a temporary folder, as an
// unprivileged user when run as root, listening on 127.0.0.1 and a free
// port) and stops it at the end. When neither works the tests skip, unless
// CI is set, in which case the run fails.

const dsnEnv = "BACKORDERKIT_PG_DSN"

var (
	// testDSN is the server's connection string; empty when there is none.
	testDSN string
	// noDBReason says why there is no server.
	noDBReason string
	// testPool is shared by the tests that need no pool of their own.
	testPool *pgxpool.Pool
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	flag.Parse()
	dsn := os.Getenv(dsnEnv)
	var srv *localServer
	if dsn == "" {
		var err error
		srv, err = startLocalServer()
		if err != nil {
			noDBReason = fmt.Sprintf("no PostgreSQL: %s is not set and a local server could not start: %v", dsnEnv, err)
		} else {
			dsn = srv.dsn
		}
	}
	if dsn == "" {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			fmt.Fprintln(os.Stderr, "pgstore tests: FAIL:", noDBReason)
			return 1
		}
		fmt.Fprintln(os.Stderr, "pgstore tests: SKIP:", noDBReason)
		// Examples cannot skip; run only the tests, which skip one by one.
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
			_ = flag.Set("test.run", "^Test")
		}
		return m.Run()
	}
	if srv != nil {
		defer srv.stop()
	}
	testDSN = dsn
	// The examples read the DSN from the environment, as a host would.
	os.Setenv(dsnEnv, dsn)
	ctx := context.Background()
	fastDeadlocks = probeDeadlockTimeout(ctx)
	pool, err := newPool(ctx, 8)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgstore tests: connecting:", err)
		return 1
	}
	testPool = pool
	code := m.Run()
	pool.Close()
	return code
}

// needDB skips t when there is no server (outside CI).
func needDB(t testing.TB) {
	t.Helper()
	if testDSN == "" {
		t.Skip(noDBReason)
	}
}

// newPool opens a pool of at most maxConns connections to the test server.
func newPool(ctx context.Context, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := poolConfig(maxConns)
	if err != nil {
		return nil, err
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// poolConfig is the configuration of a pool of at most maxConns
// connections to the test server.
func poolConfig(maxConns int32) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(testDSN)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = maxConns
	if fastDeadlocks {
		cfg.ConnConfig.RuntimeParams["deadlock_timeout"] = deadlockTimeout
	}
	return cfg, nil
}

// deadlockTimeout is how long the tests' sessions wait before PostgreSQL
// looks for a deadlock. The concurrency tests make many (the engine
// retries them); the server's default of 1s would make them slow.
const deadlockTimeout = "100ms"

// fastDeadlocks says whether the test server lets the tests' sessions set
// deadlock_timeout, which takes a superuser.
var fastDeadlocks bool

func probeDeadlockTimeout(ctx context.Context) bool {
	cfg, err := pgx.ParseConfig(testDSN)
	if err != nil {
		return false
	}
	cfg.RuntimeParams["deadlock_timeout"] = deadlockTimeout
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	conn.Close(ctx)
	return true
}

func newPoolFromConfig(cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	return pgxpool.NewWithConfig(context.Background(), cfg)
}

// freshSchema returns a new random schema name and drops that schema when
// t ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := testPool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// newStore returns a migrated store in a fresh schema on pool (testPool
// when nil), dropped when t ends.
func newStore(t testing.TB, pool *pgxpool.Pool) *pgstore.Store {
	t.Helper()
	needDB(t)
	if pool == nil {
		pool = testPool
	}
	opts := pgstore.Options{Schema: freshSchema(t)}
	if err := pgstore.Migrate(context.Background(), pool, opts); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s, err := pgstore.New(pool, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// localServer is a throwaway PostgreSQL cluster.
type localServer struct {
	dir  string
	dsn  string
	cmd  *exec.Cmd
	done chan error
}

// pgBinDir finds the folder of initdb and postgres: BACKORDERKIT_PG_BIN,
// else the newest /usr/lib/postgresql/*/bin, else pg_config --bindir, else
// wherever PATH has initdb.
func pgBinDir() (string, error) {
	if d := os.Getenv("BACKORDERKIT_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server binaries (initdb) found; install postgresql or set BACKORDERKIT_PG_BIN")
}

// serverUser returns the user to run the server as: nil when not root,
// else postgres or, failing that, nobody.
func serverUser() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		if u, err := user.Lookup(name); err == nil {
			return u, nil
		}
	}
	return nil, errors.New("running as root and neither user postgres nor nobody exists")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startLocalServer() (*localServer, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	u, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgstore-test-")
	if err != nil {
		return nil, err
	}
	s := &localServer{dir: dir}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if u != nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
	initdb.Dir = dir
	setUser(initdb, u)
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLines(string(out), 5))
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		err = s.start(bin, data, port, u)
		if err == nil {
			break
		}
		if attempt == 2 {
			return nil, err
		}
	}
	ok = true
	return s, nil
}

func (s *localServer) start(bin, data string, port int, u *user.User) error {
	logPath := filepath.Join(s.dir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	if u != nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		_ = logf.Chown(uid, gid)
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		// A throwaway cluster: durability off, room for the tests' pools.
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "max_locks_per_transaction=256",
		// Deadlocks between engines are expected (the engine retries
		// them); find them in 100ms rather than the default second.
		"-c", "deadlock_timeout=100ms",
		"-c", "shared_buffers=128MB")
	if os.Getenv("BACKORDERKIT_PG_STATS") != "" {
		cmd.Args = append(cmd.Args, "-c", "shared_preload_libraries=pg_stat_statements")
	}
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	setUser(cmd, u)
	setParentDeath(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	s.done = make(chan error, 1)
	go func() { s.done <- cmd.Wait() }()
	s.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.dsn)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case werr := <-s.done:
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited (%v): %s", werr, lastLines(string(b), 5))
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres did not accept connections in 30s: %v: %s", err, lastLines(string(b), 5))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop shuts the server down fast and removes its folder.
func (s *localServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt) // fast shutdown
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	os.RemoveAll(s.dir)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
