package fakegithub

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// AppKeyFiles are the private keys of a world's Apps, written to files for
// an App client to read (GITHUB_APP_PRIVATE_KEY_FILE), as the .pem file
// GitHub downloads when a private key is generated for an App.
type AppKeyFiles struct {
	// Paths maps an App id to its key file.
	Paths map[int64]string
	dir   string
	temp  bool
}

// WriteAppKeys writes each App's key to "<slug>.private-key.pem", readable
// by its owner only (0600), in dir, which is created (0700) if needed; an
// empty dir means a new temporary directory. It refuses to overwrite a
// file, and writes nothing when it fails. Remove deletes them again.
func WriteAppKeys(dir string, apps []BuiltApp) (*AppKeyFiles, error) {
	k := &AppKeyFiles{Paths: map[int64]string{}, dir: dir}
	if dir == "" {
		d, err := os.MkdirTemp("", "snekomatic-fake-github-keys-")
		if err != nil {
			return nil, fmt.Errorf("make a directory for the Apps' private keys: %w", err)
		}
		k.dir, k.temp = d, true
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("make the directory for the Apps' private keys: %w", err)
	}
	for _, a := range apps {
		p := filepath.Join(k.dir, a.App.Slug+".private-key.pem")
		if err := writeNewFile(p, a.Key); err != nil {
			return nil, errors.Join(fmt.Errorf("write the private key of App %d: %w", a.App.ID, err), k.Remove())
		}
		k.Paths[a.App.ID] = p
	}
	return k, nil
}

// writeNewFile writes data to a file that must not exist yet, mode 0600.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// Remove deletes the key files, and the directory if it was a temporary
// one.
func (k *AppKeyFiles) Remove() error {
	var errs []error
	for _, p := range k.Paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if k.temp {
		if err := os.Remove(k.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WriteAppKeys writes the private keys of the served world's Apps to files
// in dir (see the function WriteAppKeys), for the banner to name; a world
// without Apps writes nothing. RemoveAppKeys deletes them.
func (s *Serving) WriteAppKeys(dir string) error {
	if len(s.Apps) == 0 {
		return nil
	}
	k, err := WriteAppKeys(dir, s.Apps)
	if err != nil {
		return err
	}
	s.keyFiles = k
	return nil
}

// RemoveAppKeys deletes the key files WriteAppKeys wrote.
func (s *Serving) RemoveAppKeys() error {
	if s.keyFiles == nil {
		return nil
	}
	return s.keyFiles.Remove()
}

// writeApps adds the Apps to the banner: each App, its key file and its
// installations.
func (s *Serving) writeApps(out io.Writer) {
	for _, a := range s.Apps {
		fmt.Fprintf(out, "  App:       %d %s (%q), bot %s\n", a.App.ID, a.App.Slug, a.App.Name, a.App.BotLogin)
		if s.keyFiles != nil {
			fmt.Fprintf(out, "    private key: %s (removed on exit)\n", s.keyFiles.Paths[a.App.ID])
		}
		for _, in := range a.Installations {
			fmt.Fprintf(out, "    installed on %s: %s\n", in.Account, permissionList(in.Permissions))
		}
	}
}

// writeAppMode says how to run snekomatic in App mode with the first App
// and its key file.
func (s *Serving) writeAppMode(out io.Writer) {
	if len(s.Apps) == 0 || s.keyFiles == nil {
		return
	}
	a := s.Apps[0]
	env := fmt.Sprintf("GITHUB_APP_ID=%d GITHUB_APP_PRIVATE_KEY_FILE=%s GITHUB_API_URL=%s", a.App.ID, s.keyFiles.Paths[a.App.ID], s.RESTURL())
	fmt.Fprintf(out, "Try App mode (every organization App %d is installed on, each with its own .github/snekomatic.yml):\n", a.App.ID)
	fmt.Fprintf(out, "  %s snekomatic doctor --state fake-state.json\n", env)
	fmt.Fprintf(out, "  %s snekomatic reconcile --dry-run --state fake-state.json\n", env)
}

func permissionList(p map[string]string) string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		names[i] = n + ": " + p[n]
	}
	return strings.Join(names, ", ")
}
