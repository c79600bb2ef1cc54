package kafka

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfilePrecedence(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": dir}
	getenv := func(k string) string { return env[k] }
	path := ProfilesPath(getenv)
	if path != filepath.Join(dir, "wfctl", "profiles.json") {
		t.Fatalf("path %s", path)
	}
	ps := &Profiles{Current: "a", Profiles: []Profile{
		{Name: "a", Brokers: []string{"a:1"}, Properties: []string{"client.id=from-a"}},
		{Name: "b", Brokers: []string{"b:1"}},
	}}
	if err := ps.Save(path); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flags   Flags
		env     map[string]string
		brokers string
		client  string
	}{
		{Flags{}, nil, "a:1", "from-a"},                                            // the current profile
		{Flags{}, map[string]string{ProfileEnv: "b"}, "b:1", "wfctl"},              // WFCTL_PROFILE over it
		{Flags{Profile: "a"}, map[string]string{ProfileEnv: "b"}, "a:1", "from-a"}, // --profile over that
		{Flags{}, map[string]string{BrokersEnv: "env:1"}, "env:1", "from-a"},       // WFCTL_BROKERS over the profile's brokers
		{Flags{Brokers: []string{"flag:1"}}, nil, "flag:1", "from-a"},              // -b too
		{Flags{Properties: []string{"client.id=x"}}, nil, "a:1", "x"},              // -X over the profile's -X
	} {
		env = map[string]string{"XDG_CONFIG_HOME": dir}
		for k, v := range tc.env {
			env[k] = v
		}
		cfg, err := Load(tc.flags, getenv)
		if err != nil {
			t.Fatalf("%+v %v: %v", tc.flags, tc.env, err)
		}
		if cfg.BrokerList() != tc.brokers || cfg.ClientID != tc.client {
			t.Errorf("%+v %v: brokers %s client %s, want %s %s", tc.flags, tc.env, cfg.BrokerList(), cfg.ClientID, tc.brokers, tc.client)
		}
	}
	env = map[string]string{"XDG_CONFIG_HOME": dir}
	_, err := Load(Flags{Profile: "nope"}, getenv)
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), `profile "nope" (from --profile) does not exist; profiles: a, b`) {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestProfileMasksSecrets(t *testing.T) {
	p := Profile{Properties: []string{"sasl.username=me", "sasl.password=hunter2", "ssl.key.password=k", "sasl.jaas.config=x"}}
	got := strings.Join(p.Masked(), " ")
	if strings.Contains(got, "hunter2") || got != "sasl.username=me sasl.password=*** ssl.key.password=*** sasl.jaas.config=***" {
		t.Errorf("masked: %s", got)
	}
}
