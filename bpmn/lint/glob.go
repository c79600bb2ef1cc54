package lint

import (
	"path"
	"strings"
)

// MatchGlob reports whether name matches pattern. Patterns use path.Match
// syntax per slash-separated segment, plus "**" for any number of
// segments, as .gitignore and ESLint overrides do: "legacy/**/*.bpmn".
// A malformed pattern matches nothing.
func MatchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		ok, err := path.Match(pat[0], name[0])
		if err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// HasGlobMeta reports whether s contains glob metacharacters.
func HasGlobMeta(s string) bool { return strings.ContainsAny(s, "*?[") }
