package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/ui"
)

// Profiles, as rpk's and c8ctl's: named Kafka settings kept in the user's
// config folder, used by every command that talks to Kafka. pkg/kafka
// stores and applies them; these commands edit the file.

func newProfileCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Keep Kafka settings under a name: create, use, list, delete",
		Long: `A profile is a named set of Kafka settings (brokers and -X properties) that
every command talking to Kafka uses, as rpk's and c8ctl's profiles are:

  wfctl profile create prod -b kafka-1:9093,kafka-2:9093 -X security.protocol=SASL_SSL \
      -X sasl.mechanism=SCRAM-SHA-512 -X sasl.username=wfctl -X sasl.password=…
  wfctl instance list            # on prod's brokers

The profile used is --profile NAME, else $` + kafka.ProfileEnv + `, else the current one
(profile create and profile use make one current). What a command is given
overrides the profile: --kafka-config, $` + kafka.BrokersEnv + `, -b and -X, in that order.
Profiles are kept in $XDG_CONFIG_HOME/wfctl/profiles.json (else
~/.config/wfctl/profiles.json on Linux, the platform's config folder
elsewhere), readable by you only; secrets (sasl.password, ...) are never
printed.`,
	}
	cmd.AddCommand(newProfileCreateCmd(f, g, nil), newProfileUseCmd(f, nil), newProfileListCmd(f, g, nil), newProfileDeleteCmd(f, nil))
	return cmd
}

// profileOptions are the profile commands' flags and argument.
type profileOptions struct {
	f       *Factory
	g       *globalOptions
	Profile kafka.Profile
	Force   bool
}

func newProfileCreateCmd(f *Factory, g *globalOptions, runF func(context.Context, *profileOptions) error) *cobra.Command {
	o := &profileOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "create NAME -b HOST:PORT,... [-X key=value]... [--force]",
		Short: "Create a profile of Kafka settings and make it the current one",
		Example: `  wfctl profile create local -b localhost:9092
  wfctl profile create prod -b kafka:9093 -X security.protocol=SASL_SSL -X sasl.mechanism=PLAIN -X sasl.username=me -X sasl.password=secret`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Profile.Name = args[0]
			if err := checkProfileName(o.Profile.Name); err != nil {
				return err
			}
			if len(o.Profile.Brokers) == 0 && len(o.Profile.Properties) == 0 {
				return usageErrorf("profile create %s: give its brokers (-b HOST:PORT) or -X properties", o.Profile.Name)
			}
			if err := o.Profile.Check(); err != nil {
				return usageErrorf("profile %s: %v", o.Profile.Name, err)
			}
			return orRun(runF, runProfileCreate)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringSliceVarP(&o.Profile.Brokers, "brokers", "b", nil, "Kafka brokers, host:port,... (repeatable)")
	cmd.Flags().StringArrayVarP(&o.Profile.Properties, "kafka-property", "X", nil, "Kafka client property key=value, as in kcat (repeatable)")
	cmd.Flags().BoolVar(&o.Force, "force", false, "replace a profile of the same name")
	return cmd
}

func checkProfileName(name string) error {
	if name == "" || strings.ContainsAny(name, " \t\n/\\") {
		return usageErrorf("profile name %q: want a word such as local, staging or prod", name)
	}
	return nil
}

func runProfileCreate(_ context.Context, o *profileOptions) error {
	path := kafka.ProfilesPath(o.f.Getenv)
	return editProfiles(path, func(ps *kafka.Profiles) error {
		if old := ps.Find(o.Profile.Name); old != nil {
			if !o.Force {
				return usageErrorf("profile %s exists: delete it first, or give --force to replace it", o.Profile.Name)
			}
			*old = o.Profile
		} else {
			ps.Profiles = append(ps.Profiles, o.Profile)
		}
		ps.Current = o.Profile.Name
		fmt.Fprintf(o.f.IO.Out, "created profile %s (brokers %s) and made it the current one\n", o.Profile.Name, brokersOf(o.Profile))
		return nil
	})
}

// editProfiles reads the profiles file, lets edit change it and writes it.
func editProfiles(path string, edit func(*kafka.Profiles) error) error {
	ps, err := kafka.LoadProfiles(path)
	if err != nil {
		return kafkaError(err)
	}
	if err := edit(ps); err != nil {
		return err
	}
	return kafkaError(ps.Save(path))
}

func brokersOf(p kafka.Profile) string {
	if len(p.Brokers) == 0 {
		return "from -X bootstrap.servers"
	}
	return strings.Join(p.Brokers, ",")
}

// profileNameOptions are profile use's and delete's argument.
type profileNameOptions struct {
	f    *Factory
	Name string
}

func newProfileUseCmd(f *Factory, runF func(context.Context, *profileNameOptions) error) *cobra.Command {
	o := &profileNameOptions{f: f}
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make a profile the current one: commands talk to its brokers",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			return orRun(runF, runProfileUse)(cmd.Context(), o)
		},
	}
}

func runProfileUse(_ context.Context, o *profileNameOptions) error {
	return editProfiles(kafka.ProfilesPath(o.f.Getenv), func(ps *kafka.Profiles) error {
		p := ps.Find(o.Name)
		if p == nil {
			return unknownProfile(ps, o.Name)
		}
		ps.Current = o.Name
		fmt.Fprintf(o.f.IO.Out, "using profile %s (brokers %s)\n", o.Name, brokersOf(*p))
		return nil
	})
}

func unknownProfile(ps *kafka.Profiles, name string) error {
	known := "there are none yet: wfctl profile create NAME -b HOST:PORT"
	if len(ps.Profiles) > 0 {
		known = "profiles: " + strings.Join(ps.Names(), ", ")
	}
	return usageErrorf("no profile %q; %s", name, known)
}

func newProfileDeleteCmd(f *Factory, runF func(context.Context, *profileNameOptions) error) *cobra.Command {
	o := &profileNameOptions{f: f}
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile (if it was the current one, no profile is current)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			return orRun(runF, runProfileDelete)(cmd.Context(), o)
		},
	}
}

func runProfileDelete(_ context.Context, o *profileNameOptions) error {
	return editProfiles(kafka.ProfilesPath(o.f.Getenv), func(ps *kafka.Profiles) error {
		i := slices.IndexFunc(ps.Profiles, func(p kafka.Profile) bool { return p.Name == o.Name })
		if i < 0 {
			return unknownProfile(ps, o.Name)
		}
		ps.Profiles = slices.Delete(ps.Profiles, i, i+1)
		note := ""
		if ps.Current == o.Name {
			ps.Current, note = "", "; no profile is current now"
		}
		fmt.Fprintf(o.f.IO.Out, "deleted profile %s%s\n", o.Name, note)
		return nil
	})
}

// profileRow is one profile as list shows it, its secrets masked.
type profileRow struct {
	Name       string   `json:"name"`
	Current    bool     `json:"current"`
	Brokers    []string `json:"brokers"`
	Properties []string `json:"properties"`
}

func newProfileListCmd(f *Factory, g *globalOptions, runF func(context.Context, *profileOptions) error) *cobra.Command {
	o := &profileOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the profiles, the current one marked, secrets masked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return orRun(runF, runProfileList)(cmd.Context(), o)
		},
	}
	return withFormats(cmd, "text", "json", "ndjson")
}

func runProfileList(_ context.Context, o *profileOptions) error {
	f := o.f
	ps, err := kafka.LoadProfiles(kafka.ProfilesPath(f.Getenv))
	if err != nil {
		return kafkaError(err)
	}
	current := ps.Current
	if env := f.Getenv(kafka.ProfileEnv); env != "" {
		current = env
	}
	rows := []profileRow{}
	for _, p := range ps.Profiles {
		rows = append(rows, profileRow{Name: p.Name, Current: p.Name == current, Brokers: nonNilRows(p.Brokers), Properties: nonNilRows(p.Masked())})
	}
	return writeResult(f, o.g, rows, func() error {
		if len(rows) == 0 {
			fmt.Fprintln(f.IO.ErrOut, "no profiles yet: wfctl profile create NAME -b HOST:PORT")
			return nil
		}
		var table [][]string
		for _, r := range rows {
			mark := ""
			if r.Current {
				mark = "*"
			}
			table = append(table, []string{mark, r.Name, strings.Join(r.Brokers, ","), strings.Join(r.Properties, " ")})
		}
		_, err := fmt.Fprint(f.IO.StyledOut(), ui.Table(f.IO.PainterOut(), []string{"", "NAME", "BROKERS", "PROPERTIES"}, table))
		return err
	})
}
