package validate

import (
	"testing"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// BenchmarkValidateCorpus validates the shared corpus (1,129 real files)
// the way `wfctl validate ../shared/corpus` does: expand, read, parse and
// lint in parallel, and the cross-file check.
func BenchmarkValidateCorpus(b *testing.B) {
	files, err := Expand("../../../shared/corpus", []string{"."})
	if err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	cfg := lint.DefaultConfig()
	b.ResetTimer()
	for range b.N {
		if _, err := Run(Options{Dir: "../../../shared/corpus", Files: files, Config: cfg}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
