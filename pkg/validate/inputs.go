// Package validate runs the linter over files, folders and globs, in
// parallel, and renders the results as text, JSON, SARIF or GitHub
// workflow annotations. It is what `wfctl validate` calls.
package validate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// Stdin is the argument that reads a model from standard input.
const Stdin = "-"

// NoMatchError is an argument that names no BPMN file: a missing path, an
// empty folder or a glob that matches nothing. bpmnlint passes silently
// there, which hides a misspelt path in CI; wfctl refuses.
type NoMatchError struct{ Arg, Why string }

func (e *NoMatchError) Error() string { return fmt.Sprintf("%s: %s", e.Arg, e.Why) }

// Expand turns arguments into a list of files, in argument order, each
// once: a file reached twice (models and ./models/order.bpmn) is read
// once, under the name it was first reached by, so that it is neither
// counted twice nor reported as declaring its own process id again.
// Relative arguments are resolved against dir, and files are shown as the
// argument was typed. Folders are searched recursively for *.bpmn
// and *.dmn (skipping hidden folders and node_modules); globs may use "**".
func Expand(dir string, args []string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	for _, arg := range args {
		found, err := expandOne(dir, arg)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			key := fileKey(dir, f)
			if !seen[key] {
				seen[key] = true
				files = append(files, f)
			}
		}
	}
	return files, nil
}

// fileKey is what makes two names the same file: the cleaned absolute
// path (standard input is its own key).
func fileKey(dir, f string) string {
	if f == Stdin {
		return f
	}
	p := Resolve(dir, f)
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

func expandOne(dir, arg string) ([]string, error) {
	if arg == Stdin {
		return []string{Stdin}, nil
	}
	info, err := os.Stat(Resolve(dir, arg))
	switch {
	case err == nil && !info.IsDir():
		return []string{arg}, nil
	case err == nil:
		files, err := walkBPMN(dir, arg)
		if err == nil && len(files) == 0 {
			return nil, &NoMatchError{Arg: arg, Why: "folder holds no .bpmn or .dmn files"}
		}
		return files, err
	case lint.HasGlobMeta(arg):
		files, err := glob(dir, arg)
		if err == nil && len(files) == 0 {
			return nil, &NoMatchError{Arg: arg, Why: "pattern matches no files"}
		}
		return files, err
	case errors.Is(err, fs.ErrNotExist):
		return nil, &NoMatchError{Arg: arg, Why: "no such file or folder"}
	}
	return nil, err
}

// Resolve joins a relative path onto dir.
func Resolve(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

// walkBPMN lists the *.bpmn and *.dmn files under folder arg, as paths
// below arg.
func walkBPMN(dir, arg string) ([]string, error) {
	root := Resolve(dir, arg)
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(p); strings.EqualFold(ext, ".bpmn") || strings.EqualFold(ext, ".dmn") {
			files = append(files, shownPath(arg, root, p))
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func skipDir(name string) bool {
	return (strings.HasPrefix(name, ".") && name != "." && name != "..") || name == "node_modules"
}

// glob matches pattern (with "**") against the files below its fixed
// folder prefix.
func glob(dir, pattern string) ([]string, error) {
	slash := filepath.ToSlash(pattern)
	prefix := fixedPrefix(slash)
	root := Resolve(dir, filepath.FromSlash(prefix))
	if _, err := os.Stat(root); err != nil {
		return nil, nil
	}
	want := strings.TrimPrefix(slash, "./")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		shown := filepath.ToSlash(shownPath(prefix, root, p))
		if d.IsDir() {
			if p != root && skipDir(d.Name()) && !strings.Contains(want, "/"+d.Name()+"/") && !strings.HasPrefix(want, d.Name()+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if lint.MatchGlob(want, strings.TrimPrefix(shown, "./")) {
			files = append(files, filepath.FromSlash(shown))
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// fixedPrefix returns the folder part of a pattern before any metacharacter.
func fixedPrefix(pattern string) string {
	segs := strings.Split(pattern, "/")
	var fixed []string
	for _, s := range segs[:len(segs)-1] {
		if lint.HasGlobMeta(s) {
			break
		}
		fixed = append(fixed, s)
	}
	switch {
	case len(fixed) == 0:
		return "."
	case len(fixed) == 1 && fixed[0] == "":
		return "/"
	}
	return strings.Join(fixed, "/")
}

// shownPath rewrites p, a path below root, as a path below shown.
func shownPath(shown, root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == "." {
		return shown
	}
	if shown == "." {
		return rel
	}
	return filepath.Join(shown, rel)
}
