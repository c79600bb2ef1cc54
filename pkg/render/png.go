package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	tdc "github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// PNG output: the SVG this package writes, drawn by tdewolff/canvas's
// rasterizer (paths, strokes with dashes, caps and joins, and text from a
// font, in pure Go). The SVG is read back element by element, which is
// safe because it is this package's own, small subset of SVG (rect,
// circle, path, polygon, text and tspan, g with translate, scale and
// rotate, and the arrowhead markers of defs); the text is set in the Go
// fonts (embedded: nothing to install), close to Arial's widths.

// MaxPixels bounds a PNG's area (64 megapixels, 256 MiB of RGBA while it
// is drawn): a larger diagram is drawn smaller.
const MaxPixels = 64 << 20

// PNG rasterizes a picture at scale pixels per diagram unit (2 for sharp
// pictures on high-density screens).
func (p *Picture) PNG(scale float64) ([]byte, error) {
	return rasterize(p.SVG, scale)
}

var fonts = sync.OnceValues(func() (*tdc.FontFamily, error) {
	fam := tdc.NewFontFamily("Go")
	if err := fam.LoadFont(goregular.TTF, 0, tdc.FontRegular); err != nil {
		return nil, err
	}
	if err := fam.LoadFont(gobold.TTF, 0, tdc.FontBold); err != nil {
		return nil, err
	}
	return fam, nil
})

// ptPerPx turns a size in diagram units (CSS pixels, one canvas unit
// each) into the points canvas sizes fonts in (canvas units are mm).
const ptPerPx = 72.0 / 25.4

type pngStyle struct {
	fill, stroke          color.RGBA
	fillNone, strokeNone  bool
	strokeWidth, fillOpac float64
	dashes                []float64
	roundCap              bool
	fontSize              float64
	bold                  bool
	anchor                string
	markerStart           string
	markerEnd             string
}

type marker struct {
	vb               [4]float64
	refX, refY, w, h float64
	shapes           []xml.StartElement
}

type rasterState struct {
	style pngStyle
	view  tdc.Matrix
}

type pngWriter struct {
	ctx     *tdc.Context
	fam     *tdc.FontFamily
	markers map[string]*marker
	stack   []rasterState
	cur     rasterState
	text    *textRun
}

type textRun struct {
	style pngStyle
	view  tdc.Matrix
	x, y  float64
	buf   strings.Builder
}

func rasterize(svg []byte, scale float64) ([]byte, error) {
	fam, err := fonts()
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	if scale <= 0 || math.IsNaN(scale) {
		scale = 1
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	w := &pngWriter{fam: fam, markers: map[string]*marker{}}
	var ras *rasterizer.Rasterizer
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "svg" && ras == nil {
				width, height := attrNum(t, "width"), attrNum(t, "height")
				if width <= 0 || height <= 0 {
					return nil, errors.New("the SVG has no size")
				}
				scale = min(scale, math.Sqrt(MaxPixels/(width*height)))
				if width*scale < 1 || height*scale < 1 {
					return nil, fmt.Errorf("a picture of %gx%g is too thin to draw at %g pixels per unit", width, height, scale)
				}
				ras = rasterizer.New(width, height, tdc.DPMM(scale), tdc.DefaultColorSpace)
				w.ctx = tdc.NewContext(ras)
				w.ctx.SetCoordSystem(tdc.CartesianIV)
				w.cur = rasterState{style: pngStyle{fillOpac: 1, strokeWidth: 1, strokeNone: true, fontSize: 16}, view: tdc.Identity}
				continue
			}
			if w.ctx == nil {
				return nil, errors.New("the SVG does not start with <svg>")
			}
			if err := w.start(d, t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			w.end(t)
		case xml.CharData:
			if w.text != nil {
				w.text.buf.Write(t)
			}
		}
	}
	if ras == nil {
		return nil, errors.New("no <svg> element")
	}
	var out bytes.Buffer
	if err := png.Encode(&out, ras.Image); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// start handles an element: defs and markers are read whole; others
// push a state and draw.
func (w *pngWriter) start(d *xml.Decoder, t xml.StartElement) error {
	switch t.Name.Local {
	case "defs":
		return w.defs(d)
	case "style", "title":
		return d.Skip()
	}
	w.stack = append(w.stack, w.cur)
	w.cur.style = applyStyle(w.cur.style, t)
	if tr := attrOf(t, "transform"); tr != "" {
		w.cur.view = w.cur.view.Mul(parseTransform(tr))
	}
	switch t.Name.Local {
	case "rect", "circle", "path", "polygon":
		w.shape(t, w.cur.style, w.cur.view)
	case "text":
		w.text = &textRun{style: w.cur.style, view: w.cur.view, x: attrNum(t, "x"), y: attrNum(t, "y")}
	case "tspan":
		w.flushText()
		w.text = &textRun{style: w.cur.style, view: w.cur.view, x: attrNum(t, "x"), y: attrNum(t, "y")}
	}
	return nil
}

func (w *pngWriter) end(t xml.EndElement) {
	if t.Name.Local == "text" || t.Name.Local == "tspan" {
		w.flushText()
	}
	if len(w.stack) > 0 {
		w.cur = w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
	}
}

func (w *pngWriter) flushText() {
	tr := w.text
	w.text = nil
	if tr == nil || strings.TrimSpace(tr.buf.String()) == "" {
		return
	}
	st := tr.style
	style := tdc.FontRegular
	if st.bold {
		style = tdc.FontBold
	}
	col := st.fill
	if st.fillNone {
		col = color.RGBA{0x22, 0x24, 0x2a, 0xff}
	}
	face := w.fam.Face(st.fontSize*ptPerPx, col, style)
	align := tdc.Left
	switch st.anchor {
	case "middle":
		align = tdc.Center
	case "end":
		align = tdc.Right
	}
	w.ctx.Push()
	w.ctx.ComposeView(tr.view)
	w.ctx.DrawText(tr.x, tr.y, tdc.NewTextLine(face, tr.buf.String(), align))
	w.ctx.Pop()
}

// shape draws a rect, circle, path or polygon, and its markers.
func (w *pngWriter) shape(t xml.StartElement, st pngStyle, view tdc.Matrix) {
	var p *tdc.Path
	var pts [][2]float64
	switch t.Name.Local {
	case "rect":
		wd, ht := attrNum(t, "width"), attrNum(t, "height")
		if wd <= 0 || ht <= 0 {
			return
		}
		if rx := attrNum(t, "rx"); rx > 0 {
			p = tdc.RoundedRectangle(wd, ht, min(rx, wd/2, ht/2))
		} else {
			p = tdc.Rectangle(wd, ht)
		}
		p = p.Translate(attrNum(t, "x"), attrNum(t, "y"))
	case "circle":
		r := attrNum(t, "r")
		if r <= 0 {
			return
		}
		p = tdc.Circle(r).Translate(attrNum(t, "cx"), attrNum(t, "cy"))
	case "polygon":
		p = &tdc.Path{}
		for i, xy := range strings.Fields(attrOf(t, "points")) {
			x, y, _ := strings.Cut(xy, ",")
			fx, _ := strconv.ParseFloat(x, 64)
			fy, _ := strconv.ParseFloat(y, 64)
			if i == 0 {
				p.MoveTo(fx, fy)
			} else {
				p.LineTo(fx, fy)
			}
		}
		p.Close()
	case "path":
		var err error
		if p, err = tdc.ParseSVGPath(attrOf(t, "d")); err != nil {
			return
		}
		if st.markerStart != "" || st.markerEnd != "" {
			pts = polylinePoints(attrOf(t, "d"))
		}
	}
	w.draw(p, st, view)
	if len(pts) >= 2 {
		if m := w.markers[st.markerStart]; m != nil {
			w.marker(m, pts[0], pts[1], pts[0], view)
		}
		if m := w.markers[st.markerEnd]; m != nil {
			n := len(pts)
			w.marker(m, pts[n-2], pts[n-1], pts[n-1], view)
		}
	}
}

// draw fills and strokes a path with a style, in a view.
func (w *pngWriter) draw(p *tdc.Path, st pngStyle, view tdc.Matrix) {
	c := w.ctx
	c.Push()
	defer c.Pop()
	c.ComposeView(view)
	if st.fillNone {
		c.SetFillColor(tdc.Transparent)
	} else {
		f := st.fill
		f.A = uint8(math.Round(float64(f.A) * min(max(st.fillOpac, 0), 1)))
		c.SetFillColor(premultiply(f))
	}
	if st.strokeNone || st.strokeWidth <= 0 {
		c.SetStrokeColor(tdc.Transparent)
	} else {
		c.SetStrokeColor(st.stroke)
		c.SetStrokeWidth(st.strokeWidth)
		c.SetStrokeJoiner(tdc.RoundJoin)
		if st.roundCap {
			c.SetStrokeCapper(tdc.RoundCap)
		} else {
			c.SetStrokeCapper(tdc.ButtCap)
		}
		c.SetDashes(0, st.dashes...)
	}
	c.DrawPath(0, 0, p)
}

// marker draws an arrowhead at `at`, turned along the segment a→b.
func (w *pngWriter) marker(m *marker, a, b, at [2]float64, view tdc.Matrix) {
	angle := math.Atan2(b[1]-a[1], b[0]-a[0]) * 180 / math.Pi
	vbw, vbh := m.vb[2], m.vb[3]
	if vbw <= 0 || vbh <= 0 {
		return
	}
	mv := view.Translate(at[0], at[1]).Rotate(angle).Scale(m.w/vbw, m.h/vbh).Translate(-m.refX, -m.refY)
	for _, s := range m.shapes {
		st := applyStyle(pngStyle{fillOpac: 1, strokeNone: true, strokeWidth: 1}, s)
		w.shape(s, st, mv)
	}
}

// defs reads the markers.
func (w *pngWriter) defs(d *xml.Decoder) error {
	var cur *marker
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "marker":
				cur = &marker{refX: attrNum(t, "refX"), refY: attrNum(t, "refY"), w: attrNum(t, "markerWidth"), h: attrNum(t, "markerHeight")}
				for i, f := range strings.Fields(attrOf(t, "viewBox")) {
					if i < 4 {
						cur.vb[i], _ = strconv.ParseFloat(f, 64)
					}
				}
				w.markers["url(#"+attrOf(t, "id")+")"] = cur
			case "path", "circle", "rect", "polygon":
				if cur != nil {
					cur.shapes = append(cur.shapes, t.Copy())
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "defs":
				return nil
			case "marker":
				cur = nil
			}
		}
	}
}

// applyStyle takes an element's presentation attributes.
func applyStyle(st pngStyle, t xml.StartElement) pngStyle {
	for _, a := range t.Attr {
		v := a.Value
		switch a.Name.Local {
		case "fill":
			st.fill, st.fillNone = parseColour(v)
		case "stroke":
			st.stroke, st.strokeNone = parseColour(v)
		case "stroke-width":
			st.strokeWidth, _ = strconv.ParseFloat(v, 64)
		case "fill-opacity":
			st.fillOpac, _ = strconv.ParseFloat(v, 64)
		case "stroke-dasharray":
			st.dashes = nil
			for _, f := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
				if x, err := strconv.ParseFloat(f, 64); err == nil && x >= 0 {
					st.dashes = append(st.dashes, x)
				}
			}
		case "stroke-linecap":
			st.roundCap = v == "round"
		case "font-size":
			st.fontSize, _ = strconv.ParseFloat(v, 64)
		case "font-weight":
			st.bold = v == "bold"
		case "text-anchor":
			st.anchor = v
		case "marker-start":
			st.markerStart = v
		case "marker-end":
			st.markerEnd = v
		}
	}
	return st
}

// parseColour reads #rrggbb (the only form this package writes) or none.
func parseColour(v string) (color.RGBA, bool) {
	if len(v) == 7 && v[0] == '#' {
		if n, err := strconv.ParseUint(v[1:], 16, 32); err == nil {
			return color.RGBA{uint8(n >> 16), uint8(n >> 8), uint8(n), 0xff}, false
		}
	}
	return color.RGBA{}, true
}

func premultiply(c color.RGBA) color.RGBA {
	a := uint32(c.A)
	return color.RGBA{uint8(uint32(c.R) * a / 255), uint8(uint32(c.G) * a / 255), uint8(uint32(c.B) * a / 255), c.A}
}

// parseTransform reads translate(x y), scale(k) and rotate(a cx cy), in
// order.
func parseTransform(s string) tdc.Matrix {
	m := tdc.Identity
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		name, rest, ok := strings.Cut(s, "(")
		args, after, ok2 := strings.Cut(rest, ")")
		if !ok || !ok2 {
			break
		}
		var n []float64
		for _, f := range strings.Fields(strings.ReplaceAll(args, ",", " ")) {
			x, _ := strconv.ParseFloat(f, 64)
			n = append(n, x)
		}
		switch strings.TrimSpace(name) {
		case "translate":
			if len(n) == 2 {
				m = m.Translate(n[0], n[1])
			}
		case "scale":
			if len(n) == 1 {
				m = m.Scale(n[0], n[0])
			}
		case "rotate":
			if len(n) == 3 {
				m = m.RotateAbout(n[0], n[1], n[2])
			}
		}
		s = after
	}
	return m
}

// polylinePoints reads the points of an M/L path (an edge).
func polylinePoints(d string) [][2]float64 {
	var pts [][2]float64
	f := strings.Fields(strings.NewReplacer("M", " ", "L", " ").Replace(d))
	for i := 0; i+1 < len(f); i += 2 {
		x, err1 := strconv.ParseFloat(f[i], 64)
		y, err2 := strconv.ParseFloat(f[i+1], 64)
		if err1 != nil || err2 != nil {
			return nil
		}
		pts = append(pts, [2]float64{x, y})
	}
	return pts
}

func attrNum(t xml.StartElement, name string) float64 {
	v, err := strconv.ParseFloat(attrOf(t, name), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func attrOf(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
