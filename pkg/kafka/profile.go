package kafka

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// A profile is a named set of Kafka settings (brokers and -X properties),
// as rpk's and c8ctl's profiles are: `wfctl profile create prod -b … -X …`
// once, then every command that talks to Kafka uses the current profile
// (`wfctl profile use`), or the one WFCTL_PROFILE or --profile names.
// Flags, WFCTL_BROKERS and --kafka-config override what a profile says
// (see [Load]). Profiles live in one JSON file in the user's config folder
// ($XDG_CONFIG_HOME/wfctl/profiles.json, else ~/.config/wfctl on Linux,
// the platform's folder elsewhere), readable by its owner only: a profile
// may hold a SASL password.

// ProfileEnv names the profile to use, over the current one.
const ProfileEnv = "WFCTL_PROFILE"

// Profile is one named set of Kafka settings.
type Profile struct {
	Name       string   `json:"name"`
	Brokers    []string `json:"brokers,omitempty"`
	Properties []string `json:"properties,omitempty"` // key=value, as -X takes them
}

// Profiles is the profiles file: every profile and which is current.
type Profiles struct {
	Current  string    `json:"current,omitempty"`
	Profiles []Profile `json:"profiles"`
}

// ProfilesPath is where the profiles file is, found from the environment
// alone (getenv is os.Getenv in production), so that tests choose it; ""
// when the environment names no home.
func ProfilesPath(getenv func(string) string) string {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "wfctl", "profiles.json")
	}
	var dir string
	switch home := getenv("HOME"); runtime.GOOS {
	case "windows":
		dir = getenv("AppData")
	case "darwin", "ios":
		if home != "" {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	default:
		if home != "" {
			dir = filepath.Join(home, ".config")
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "wfctl", "profiles.json")
}

// LoadProfiles reads the profiles file; a file that does not exist holds
// no profiles. A file that is not valid is a [*ConfigError] naming it.
func LoadProfiles(path string) (*Profiles, error) {
	ps := &Profiles{}
	if path == "" {
		return ps, nil
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ps, nil
	case err != nil:
		return nil, infraErrorf(nil, err, "profiles: %v", err)
	}
	if err := json.Unmarshal(data, ps); err != nil {
		return nil, configErrorf("profiles file %s: %v (fix it, or delete it and create the profiles again)", path, err)
	}
	return ps, nil
}

// Save writes the profiles file, readable by its owner only.
func (ps *Profiles) Save(path string) error {
	if path == "" {
		return configErrorf("profiles: no config folder: set HOME or XDG_CONFIG_HOME")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return infraErrorf(nil, err, "profiles: %v", err)
	}
	data, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return infraErrorf(nil, err, "profiles: %v", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return infraErrorf(nil, err, "profiles: %v", err)
	}
	return nil
}

// Find returns the profile named name, or nil.
func (ps *Profiles) Find(name string) *Profile {
	i := slices.IndexFunc(ps.Profiles, func(p Profile) bool { return p.Name == name })
	if i < 0 {
		return nil
	}
	return &ps.Profiles[i]
}

// Names lists the profiles' names, in the file's order.
func (ps *Profiles) Names() []string {
	names := make([]string, len(ps.Profiles))
	for i, p := range ps.Profiles {
		names[i] = p.Name
	}
	return names
}

// Check resolves a profile's settings as [Load] would with nothing else
// given, so that a profile with a mistake is refused when it is created.
func (p Profile) Check() error {
	_, err := Load(Flags{Brokers: p.Brokers, Properties: p.Properties, NoProfile: true}, func(string) string { return "" })
	return err
}

// Masked is the profile's properties as they may be shown: the value of
// every secret (a password, a key, a token, a JAAS config) replaced by ***.
func (p Profile) Masked() []string {
	out := make([]string, len(p.Properties))
	for i, kv := range p.Properties {
		key, _, ok := strings.Cut(kv, "=")
		if ok && IsSecret(key) {
			kv = key + "=***"
		}
		out[i] = kv
	}
	return out
}

// IsSecret reports whether a property holds a secret that is never
// printed: sasl.password, ssl.key.password, sasl.jaas.config, tokens.
func IsSecret(key string) bool {
	key = strings.ToLower(strings.TrimSpace(key))
	for _, word := range []string{"password", "secret", "token", "jaas", "credential"} {
		if strings.Contains(key, word) {
			return true
		}
	}
	return false
}

// activeProfile is the profile Load applies: --profile, else
// WFCTL_PROFILE, else the current one; nil when none is chosen. A profile
// named (by flag or environment) that does not exist is a mistake.
func activeProfile(f Flags, getenv func(string) string) (*Profile, string, error) {
	if f.NoProfile {
		return nil, "", nil
	}
	name, origin := f.Profile, "--profile"
	if name == "" {
		name, origin = getenv(ProfileEnv), ProfileEnv
	}
	path := ProfilesPath(getenv)
	ps, err := LoadProfiles(path)
	if err != nil {
		return nil, "", err
	}
	if name == "" {
		name, origin = ps.Current, "the current profile"
		if name == "" {
			return nil, "", nil
		}
	}
	p := ps.Find(name)
	if p == nil {
		known := "none yet: wfctl profile create NAME -b HOST:PORT"
		if len(ps.Profiles) > 0 {
			known = strings.Join(ps.Names(), ", ")
		}
		return nil, "", configErrorf("profile %q (from %s) does not exist; profiles: %s", name, origin, known)
	}
	return p, fmt.Sprintf("profile %s", name), nil
}
