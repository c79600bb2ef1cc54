package bpmn

// nsModeler is Camunda Modeler's namespace, in which it records the
// engine a file is drawn for.
const nsModeler = "http://camunda.org/schema/modeler/1.0"

// Execution platforms as Camunda Modeler writes them in
// modeler:executionPlatform on <definitions>.
const (
	// PlatformCamunda7 is Camunda 7 (Camunda Platform, the Java engine).
	PlatformCamunda7 = "Camunda Platform"
	// PlatformCamunda8 is Camunda 8 (Zeebe; "Camunda Cloud" in the file).
	PlatformCamunda8 = "Camunda Cloud"
)

// TargetsCamunda7 reports whether the document declares that it is drawn
// for Camunda 7, whose engine reads other extension elements and
// expression languages than Camunda 8's.
func (d *Definitions) TargetsCamunda7() bool { return d.ExecutionPlatform == PlatformCamunda7 }

// modelerAttr returns attribute name of x in Camunda Modeler's namespace,
// whatever its prefix, or "".
func modelerAttr(x *xnode, name string) string {
	for _, a := range x.el.Attr {
		if a.Key != name || a.Space == "" || a.Space == "xmlns" {
			continue
		}
		if uri, ok := prefixURI(x.el, a.Space); ok && uri == nsModeler {
			return a.Value
		}
	}
	return ""
}
