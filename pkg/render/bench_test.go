package render

import (
	"testing"

	"github.com/wfctl/wfctl/bpmn"
)

// BenchmarkCorpus parses and renders every file of the shared corpus (the
// issue's floor: the 1,129 files in under 2 s); the files are read once,
// before the clock starts. s/corpus is the time for all of them.
func BenchmarkCorpus(b *testing.B) {
	type file struct {
		path string
		src  []byte
	}
	var files []file
	walkCorpus(b, func(path string, src []byte) { files = append(files, file{path, src}) })
	b.ResetTimer()
	var bytes int64
	for b.Loop() {
		for _, f := range files {
			doc, err := bpmn.Parse(f.path, f.src)
			if err != nil {
				continue
			}
			if pic, err := Render(doc, Options{}); err == nil {
				bytes += int64(len(pic.SVG))
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/corpus")
	b.ReportMetric(float64(len(files)), "files")
}
