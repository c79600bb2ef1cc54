package validate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/feel"
)

// RuleParseError is the rule id of the single problem a file that cannot
// be parsed gets.
const RuleParseError = "parse-error"

// StdinName is how a model read from standard input is named in reports.
const StdinName = "<stdin>"

// File is one validated file.
type File struct {
	Path     string
	Problems []lint.Report
	// Processes are the executable processes the file declares (the
	// parsed model itself is not kept: a run over thousands of files
	// would hold them all).
	Processes []lint.ProcessDecl
	parsed    bool
}

// Result is a whole run.
type Result struct {
	Files []*File
}

// Summary counts a result's files and problems by severity.
type Summary struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// Summary counts problems.
func (r *Result) Summary() Summary {
	s := Summary{Files: len(r.Files)}
	for _, f := range r.Files {
		for _, p := range f.Problems {
			switch p.Severity {
			case lint.Error:
				s.Errors++
			case lint.Warn:
				s.Warnings++
			case lint.Info:
				s.Infos++
			}
		}
	}
	return s
}

// ReadError is a file that exists but cannot be read: an infrastructure
// problem, not a finding.
type ReadError struct {
	Path string
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("read %s: %v", e.Path, e.Err) }
func (e *ReadError) Unwrap() error { return e.Err }

// Options configure Run.
type Options struct {
	// Dir resolves relative paths.
	Dir   string
	Files []string
	Stdin io.Reader
	// Sources hold the content of files already read, by their path in
	// Files: they are linted instead of what is on disk.
	Sources map[string][]byte
	Config  *lint.Config
	// Engine chooses the engine rules: lint.EngineCamunda8 (the zero
	// value) on every file, lint.EngineAuto by each file's declared
	// execution platform, lint.EngineNone none.
	Engine lint.EngineMode
	// Workers bounds parallelism; 0 means GOMAXPROCS.
	Workers int
}

// Run parses and lints every file, in parallel, and then checks what
// spans files (the same process id in two files). Files keep their order.
func Run(opts Options) (*Result, error) {
	linter := lint.New(opts.Config, lint.WithExpressionParser(FEELSyntax), lint.WithEngine(opts.Engine))
	res := &Result{Files: make([]*File, len(opts.Files))}
	errs := make([]error, len(opts.Files))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res.Files[i], errs[i] = checkFile(opts, linter, opts.Files[i])
			}
		}()
	}
	for i := range opts.Files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	crossFile(opts.Config, res)
	return res, nil
}

// FEELSyntax checks a FEEL expression's syntax for the linter's
// wfctl/feel-syntax rule.
func FEELSyntax(src string) *lint.ExpressionError {
	if _, err := feel.Parse(src); err != nil {
		var se *feel.SyntaxError
		if errors.As(err, &se) {
			return &lint.ExpressionError{Offset: se.Offset, Line: se.Line, Column: se.Column, Msg: se.Msg}
		}
		return &lint.ExpressionError{Line: 1, Column: 1, Msg: err.Error()}
	}
	return nil
}

func checkFile(opts Options, linter *lint.Linter, path string) (*File, error) {
	src, name, err := readInput(opts, path)
	if err != nil {
		return nil, err
	}
	if isDMN(path, src) {
		return checkDMN(name, src)
	}
	f := &File{Path: name}
	doc, err := bpmn.Parse(name, src)
	if err != nil {
		var pe *bpmn.ParseError
		if !errors.As(err, &pe) {
			return nil, err
		}
		f.Problems = []lint.Report{{Rule: RuleParseError, Severity: lint.Error, Message: pe.Msg, Pos: pe.Pos}}
		return f, nil
	}
	f.parsed = true
	f.Processes = lint.ExecutableProcesses(doc)
	f.Problems = linter.Lint(name, doc)
	return f, nil
}

func readInput(opts Options, path string) ([]byte, string, error) {
	if src, ok := opts.Sources[path]; ok {
		return src, path, nil
	}
	if path == Stdin {
		if opts.Stdin == nil {
			return nil, StdinName, &ReadError{Path: StdinName, Err: errors.New("no standard input")}
		}
		src, err := io.ReadAll(io.LimitReader(opts.Stdin, bpmn.MaxFileSize+1))
		if err != nil {
			return nil, StdinName, &ReadError{Path: StdinName, Err: err}
		}
		return src, StdinName, nil
	}
	fh, err := os.Open(Resolve(opts.Dir, path))
	if err != nil {
		return nil, path, &ReadError{Path: path, Err: err}
	}
	defer fh.Close()
	// Read at most one byte over the limit: the parser refuses the file
	// with a clear message, and a huge file never fills memory.
	src, err := io.ReadAll(io.LimitReader(fh, bpmn.MaxFileSize+1))
	if err != nil {
		return nil, path, &ReadError{Path: path, Err: err}
	}
	return src, path, nil
}

func crossFile(cfg *lint.Config, res *Result) {
	var paths []string
	var decls [][]lint.ProcessDecl
	var idx []int
	for i, f := range res.Files {
		if f.parsed {
			paths, decls, idx = append(paths, f.Path), append(decls, f.Processes), append(idx, i)
		}
	}
	for j, reps := range lint.DuplicateProcessIDs(cfg, paths, decls) {
		if len(reps) == 0 {
			continue
		}
		f := res.Files[idx[j]]
		f.Problems = append(f.Problems, reps...)
		lint.SortReports(f.Problems)
	}
}
