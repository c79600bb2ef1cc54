package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/internal/corpustest"
)

var update = flag.Bool("update", false, "rewrite the golden SVGs")

// svgCounts is what a picture holds, read back as XML.
type svgCounts struct {
	shapes, edges int
	// edgePaths counts the paths in each edge group.
	badEdges []string
	ids      map[string]int
}

// readSVG parses a picture as XML and counts its shape and edge groups;
// an error means the SVG is not well-formed.
func readSVG(svg []byte) (*svgCounts, error) {
	d := xml.NewDecoder(bytes.NewReader(svg))
	c := &svgCounts{ids: map[string]int{}}
	var stack []string // the kind of each open g: shape, edge or ""
	edgePaths, edgeID := 0, ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "g":
				kind := ""
				class := attrOf(t, "class")
				switch {
				case class == "shape" || strings.HasPrefix(class, "shape "):
					kind = "shape"
					c.shapes++
					c.ids[attrOf(t, "data-element-id")]++
				case class == "edge" || strings.HasPrefix(class, "edge "):
					kind = "edge"
					c.edges++
					edgePaths, edgeID = 0, attrOf(t, "data-element-id")
				}
				stack = append(stack, kind)
			case "path":
				if len(stack) > 0 && stack[len(stack)-1] == "edge" {
					edgePaths++
				}
			}
		case xml.EndElement:
			if t.Name.Local == "g" && len(stack) > 0 {
				if stack[len(stack)-1] == "edge" && edgePaths != 1 {
					c.badEdges = append(c.badEdges, edgeID)
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
	return c, nil
}

// diCounts counts a document's DI shapes and edges on every plane.
func diCounts(doc *bpmn.Document) (shapes, edges int) {
	for _, d := range doc.Definitions.Diagrams {
		if d.Plane != nil {
			shapes += len(d.Plane.Shapes)
			edges += len(d.Plane.Edges)
		}
	}
	return shapes, edges
}

// walkCorpus calls fn for every .bpmn file of the shared corpus, with its
// bytes; without the corpus the test is skipped.
func walkCorpus(tb testing.TB, fn func(path string, src []byte)) {
	tb.Helper()
	err := filepath.WalkDir(corpustest.Dir(tb), func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(path, ".bpmn") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(path, src)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestCorpus renders every file of the shared corpus that has DI: the
// SVG is well-formed, holds one shape group per DI shape and one edge
// group with one path per DI edge, but for the shapes and edges listed as
// skipped (and says why).
func TestCorpus(t *testing.T) {
	var files, rendered, noDI, parseErrors, shapes, edges, skipped int
	walkCorpus(t, func(path string, src []byte) {
		files++
		doc, err := bpmn.Parse(path, src)
		if err != nil {
			parseErrors++
			return
		}
		pic, err := Render(doc, Options{})
		if errors.Is(err, ErrNoDI) {
			noDI++
			return
		}
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		rendered++
		got, err := readSVG(pic.SVG)
		if err != nil {
			t.Errorf("%s: the SVG is not well-formed XML: %v", path, err)
			return
		}
		wantShapes, wantEdges := diCounts(doc)
		if got.shapes != pic.Shapes || got.edges != pic.Edges || pic.Shapes+pic.Edges+len(pic.Skipped) != wantShapes+wantEdges {
			t.Errorf("%s: %d shape and %d edge groups (Picture says %d, %d; %d skipped) for %d DI shapes and %d DI edges",
				path, got.shapes, got.edges, pic.Shapes, pic.Edges, len(pic.Skipped), wantShapes, wantEdges)
		}
		if len(got.badEdges) > 0 {
			t.Errorf("%s: edges without exactly one path: %v", path, got.badEdges)
		}
		shapes += got.shapes
		edges += got.edges
		skipped += len(pic.Skipped)
		for _, sk := range pic.Skipped {
			t.Logf("%s: skipped %s", path, sk)
		}
	})
	t.Logf("%d files: %d rendered (%d shapes, %d edges drawn, %d DI elements skipped), %d without DI, %d not parsed",
		files, rendered, shapes, edges, skipped, noDI, parseErrors)
	if rendered < 900 {
		t.Errorf("only %d corpus files rendered", rendered)
	}
}

// TestGolden compares the pictures of a few fixtures with their golden
// SVGs (go test ./pkg/render -run Golden -update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bpmn")
	files = append(files, "../../fixtures/orders/order-fulfillment.bpmn")
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := bpmn.Parse(path, src)
			if err != nil {
				t.Fatal(err)
			}
			pic, err := Render(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(path), ".bpmn")+".svg")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, pic.SVG, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(pic.SVG, want) {
				t.Errorf("%s differs from %s (run with -update when the change is intended)", path, golden)
			}
		})
	}
}

func parseString(t testing.TB, src string) *bpmn.Document {
	t.Helper()
	doc, err := bpmn.Parse("test.bpmn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const diHeader = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d">
`

// TestMissingAndSkipped: what DI lacks is listed, what DI cannot give is
// skipped with a reason, and neither stops the picture.
func TestMissingAndSkipped(t *testing.T) {
	doc := parseString(t, diHeader+`<bpmn:process id="p">
  <bpmn:startEvent id="start"/>
  <bpmn:task id="work" name="Work"/>
  <bpmn:endEvent id="end"/>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
</bpmn:process>
<bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
  <bpmndi:BPMNShape id="s1" bpmnElement="start"><dc:Bounds x="0" y="0" width="36" height="36"/></bpmndi:BPMNShape>
  <bpmndi:BPMNShape id="s2" bpmnElement="work"><dc:Bounds x="100" y="NaN" width="100" height="80"/></bpmndi:BPMNShape>
  <bpmndi:BPMNShape id="s3" bpmnElement="ghost"><dc:Bounds x="0" y="0" width="10" height="10"/></bpmndi:BPMNShape>
  <bpmndi:BPMNEdge id="e1" bpmnElement="f1"><di:waypoint x="36" y="18"/></bpmndi:BPMNEdge>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`)
	pic, err := Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pic.Shapes != 1 || pic.Edges != 0 {
		t.Errorf("drew %d shapes, %d edges; want 1, 0", pic.Shapes, pic.Edges)
	}
	want := []string{"endEvent end has no DI shape", "sequenceFlow f2 has no DI edge"}
	if strings.Join(pic.Missing, "|") != strings.Join(want, "|") {
		t.Errorf("missing = %q, want %q", pic.Missing, want)
	}
	if len(pic.Skipped) != 3 || !strings.Contains(pic.Skipped[0], "s2 (work): its bounds") ||
		!strings.Contains(pic.Skipped[1], `"ghost" is not in the file`) || !strings.Contains(pic.Skipped[2], "e1 (f1): fewer than two waypoints") {
		t.Errorf("skipped = %q", pic.Skipped)
	}
}

func TestNoDI(t *testing.T) {
	doc := parseString(t, diHeader+`<bpmn:process id="p"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>`)
	if _, err := Render(doc, Options{}); !errors.Is(err, ErrNoDI) {
		t.Errorf("err = %v, want ErrNoDI", err)
	}
}

// TestPlanes: every plane is drawn; --diagram picks one by the id of the
// diagram, the plane or the element it shows, and an unknown id lists
// the diagrams there are.
func TestPlanes(t *testing.T) {
	doc := parseString(t, diHeader+`<bpmn:process id="p">
  <bpmn:subProcess id="sub" name="Sub"><bpmn:task id="inner"/></bpmn:subProcess>
</bpmn:process>
<bpmndi:BPMNDiagram id="main"><bpmndi:BPMNPlane id="main_plane" bpmnElement="p">
  <bpmndi:BPMNShape id="sub_di" bpmnElement="sub"><dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
<bpmndi:BPMNDiagram id="drill"><bpmndi:BPMNPlane id="sub_plane" bpmnElement="sub">
  <bpmndi:BPMNShape id="inner_di" bpmnElement="inner"><dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`)
	pic, err := Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pic.Planes) != 2 || pic.Shapes != 2 || !bytes.Contains(pic.SVG, []byte(`>Sub</text>`)) {
		t.Errorf("planes %+v, %d shapes", pic.Planes, pic.Shapes)
	}
	for _, id := range []string{"drill", "sub_plane", "sub"} {
		pic, err := Render(doc, Options{Diagram: id})
		if err != nil || len(pic.Planes) != 1 || pic.Planes[0].ElementID != "sub" || pic.Shapes != 1 {
			t.Errorf("--diagram %s: %v, %+v", id, err, pic)
		}
	}
	if _, err := Render(doc, Options{Diagram: "nope"}); err == nil || !strings.Contains(err.Error(), "main (p), drill (sub)") {
		t.Errorf("unknown diagram: %v", err)
	}
}

// TestPaint: a report's paint reaches the element it names.
func TestPaint(t *testing.T) {
	src, err := os.ReadFile("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := bpmn.Parse("o.bpmn", src)
	if err != nil {
		t.Fatal(err)
	}
	pic, err := Render(doc, Options{Paint: func(id string) *Paint {
		if id == "AwaitPayment" {
			return &Paint{Fill: "#fde0dd", Class: "stalled", Badges: []Badge{{Text: "42", Fill: "#d9534f"}}}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(pic.SVG)
	i := strings.Index(s, `<g class="shape stalled" data-element-id="AwaitPayment"`)
	if i < 0 {
		t.Fatalf("no painted group for AwaitPayment")
	}
	group := s[i : i+strings.Index(s[i:], "</g>\n")]
	if !strings.Contains(group, `fill="#fde0dd"`) || !strings.Contains(group, `>42</text>`) {
		t.Errorf("paint not in the group: %s", group)
	}
}

// FuzzRender: no DI makes the renderer panic or write SVG that is not
// well-formed.
func FuzzRender(f *testing.F) {
	for _, p := range []string{"../../fixtures/orders/order-fulfillment.bpmn", "testdata/notation.bpmn"} {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte(diHeader + `<bpmn:process id="p"><bpmn:task id="t"/></bpmn:process><bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane id="pl" bpmnElement="p"><bpmndi:BPMNShape id="s" bpmnElement="t"><dc:Bounds x="-1e300" y="1e308" width="-5" height="Infinity"/></bpmndi:BPMNShape><bpmndi:BPMNEdge id="e" bpmnElement="t"><di:waypoint x="NaN" y="0"/><di:waypoint x="1" y="2"/></bpmndi:BPMNEdge></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>`))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := bpmn.Parse("fuzz.bpmn", src)
		if err != nil {
			return
		}
		pic, err := Render(doc, Options{})
		if err != nil {
			return
		}
		if _, err := readSVG(pic.SVG); err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		// Small pictures are rasterized too, at most 10,000 pixels (a big
		// one takes the rasterizer tens of milliseconds, which would slow
		// the fuzzer a hundredfold; TestPNGCorpus draws big ones).
		if len(pic.SVG) > 8<<10 {
			return
		}
		scale := min(0.05, math.Sqrt(1e4/(pic.Width*pic.Height)))
		if _, err := pic.PNG(scale); err != nil && !strings.Contains(err.Error(), "too thin") {
			t.Fatalf("PNG: %v", err)
		}
	})
}

// TestPNG rasterizes the order model: the picture has the SVG's size at
// scale 1, a white background, and the strokes where the SVG puts them.
func TestPNG(t *testing.T) {
	src, err := os.ReadFile("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := bpmn.Parse("o.bpmn", src)
	if err != nil {
		t.Fatal(err)
	}
	pic, err := Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := pic.PNG(1)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 671 || b.Dy() != 239 {
		t.Errorf("size %v, want the SVG's 671x239", b)
	}
	dark := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r+g+b < 3*0x8000
	}
	// The plane is moved by (-118, -60): AwaitPayment's box is at (122, 20)
	// to (222, 100), OrderDelivered's circle at (612, 60), radius 18, 4 wide.
	for _, c := range []struct {
		x, y int
		dark bool
		what string
	}{
		{2, 2, false, "the background"},
		{122, 60, true, "AwaitPayment's left edge"},
		{135, 90, false, "inside AwaitPayment"},
		{612, 42, true, "OrderDelivered's thick circle"},
		{612, 60, false, "OrderDelivered's centre"},
	} {
		if dark(c.x, c.y) != c.dark {
			t.Errorf("pixel (%d, %d), %s: dark = %v", c.x, c.y, c.what, !c.dark)
		}
	}
	big, err := pic.PNG(2)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(big)); err != nil || cfg.Width != 1342 {
		t.Errorf("scale 2: %+v, %v", cfg, err)
	}
}

// TestPNGCorpus rasterizes every tenth corpus file with DI, small.
func TestPNGCorpus(t *testing.T) {
	n := 0
	walkCorpus(t, func(path string, src []byte) {
		if n++; n%10 != 0 {
			return
		}
		doc, err := bpmn.Parse(path, src)
		if err != nil {
			return
		}
		pic, err := Render(doc, Options{})
		if err != nil {
			return
		}
		if _, err := pic.PNG(0.5); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	})
}
