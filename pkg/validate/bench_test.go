package validate

import (
	"testing"

	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/internal/corpustest"
)

// BenchmarkValidateCorpus validates the shared corpus (1,129 real files)
// the way `wfctl validate ../shared/corpus` does: expand, read, parse and
// lint in parallel, and the cross-file check.
func BenchmarkValidateCorpus(b *testing.B) {
	dir := corpustest.Dir(b)
	files, err := Expand(dir, []string{"."})
	if err != nil {
		b.Fatal(err)
	}
	cfg := lint.DefaultConfig()
	b.ResetTimer()
	for range b.N {
		if _, err := Run(Options{Dir: dir, Files: files, Config: cfg}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
