// Package doclinks checks the relative links between snekomatic's Markdown
// documents: that every linked file exists and every #anchor names a heading
// of the page it points into, with the slugs GitHub gives headings. The
// README was split into pages under docs/; a moved section must not leave a
// link pointing at nothing.
//
// It reads Markdown the way GitHub renders it for this purpose only: fenced
// code blocks and inline code are not links, ATX headings (# …) and HTML
// anchors (<a id="…"> or name="…") make anchors. Links to other sites are
// not followed.
package doclinks

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// Link is one relative link found in a document.
type Link struct {
	File   string // the document it is in, as given to Check
	Line   int    // 1-based
	Target string // as written, e.g. "docs/config.md#teams"
}

// BrokenLink is a link whose file or anchor does not exist.
type BrokenLink struct {
	Link
	Problem string
}

func (b BrokenLink) Error() string {
	return fmt.Sprintf("%s:%d: link %q: %s", b.File, b.Line, b.Target, b.Problem)
}

// Doc is what a Markdown document offers and uses.
type Doc struct {
	Anchors map[string]bool
	Links   []Link
}

var (
	headingRE = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	fenceRE   = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	// An inline link or image: [text](target) or [text](target "title").
	inlineRE = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)`)
	// A reference definition: [name]: target
	refDefRE  = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s+(<[^>]*>|\S+)`)
	htmlIDRE  = regexp.MustCompile(`<a\s[^>]*(?:id|name)="([^"]+)"`)
	codeRE    = regexp.MustCompile("`+[^`]*`+")
	linkTxtRE = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	tagRE     = regexp.MustCompile(`<[^>]+>`)
	schemeRE  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// Parse reads one Markdown document. file names it in the links it returns.
func Parse(file, text string) Doc {
	d := Doc{Anchors: map[string]bool{}}
	seen := map[string]int{}
	fence := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			switch {
			case fence == "":
				fence = m[1]
			case strings.HasPrefix(m[1], fence[:1]) && len(m[1]) >= len(fence):
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		for _, m := range htmlIDRE.FindAllStringSubmatch(line, -1) {
			d.Anchors[m[1]] = true
		}
		if m := headingRE.FindStringSubmatch(line); m != nil {
			d.Anchors[uniqueSlug(Slug(m[2]), seen)] = true
		}
		d.Links = append(d.Links, linksIn(file, n, line)...)
	}
	return d
}

// linksIn returns the relative links on one line, outside inline code.
func linksIn(file string, n int, line string) []Link {
	line = codeRE.ReplaceAllString(line, "")
	var targets []string
	for _, m := range inlineRE.FindAllStringSubmatch(line, -1) {
		targets = append(targets, m[1])
	}
	if m := refDefRE.FindStringSubmatch(line); m != nil {
		targets = append(targets, m[1])
	}
	var out []Link
	for _, t := range targets {
		t = strings.TrimSuffix(strings.TrimPrefix(t, "<"), ">")
		if schemeRE.MatchString(t) || strings.HasPrefix(t, "//") {
			continue
		}
		out = append(out, Link{File: file, Line: n, Target: t})
	}
	return out
}

// uniqueSlug gives a repeated heading's slug GitHub's suffix: the second
// "Usage" is usage-1, the third usage-2.
func uniqueSlug(s string, seen map[string]int) string {
	n, dup := seen[s]
	seen[s] = n + 1
	if !dup {
		return s
	}
	return fmt.Sprintf("%s-%d", s, n)
}

// Slug is the anchor GitHub gives a heading: its text as rendered (no code
// backticks, link targets, emphasis or HTML), lower case, with every
// character that is not a letter, digit, space, '-' or '_' dropped and each
// space turned into '-'.
func Slug(heading string) string {
	text := linkTxtRE.ReplaceAllString(heading, "$1")
	text = tagRE.ReplaceAllString(text, "")
	text = strings.NewReplacer("`", "", "*", "").Replace(text)
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check reads the documents named by paths (relative to root) and returns
// every link among them, and from them to any other file in root, that
// points at nothing. A link into a Markdown file that is not in paths is
// checked too: the file is read for its anchors.
func Check(root string, paths []string) ([]BrokenLink, error) {
	docs := map[string]Doc{}
	load := func(p string) (Doc, error) {
		if d, ok := docs[p]; ok {
			return d, nil
		}
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			return Doc{}, err
		}
		d := Parse(p, string(b))
		docs[p] = d
		return d, nil
	}
	var broken []BrokenLink
	for _, p := range paths {
		d, err := load(filepath.ToSlash(p))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		for _, l := range d.Links {
			if problem := checkLink(root, l, load); problem != "" {
				broken = append(broken, BrokenLink{Link: l, Problem: problem})
			}
		}
	}
	return broken, nil
}

// checkLink says what is wrong with one link, or "".
func checkLink(root string, l Link, load func(string) (Doc, error)) string {
	target, anchor, _ := strings.Cut(l.Target, "#")
	path, err := url.PathUnescape(target)
	if err != nil {
		return "not a valid path: " + err.Error()
	}
	dest := l.File
	if path != "" {
		if strings.HasPrefix(path, "/") {
			dest = strings.TrimPrefix(path, "/")
		} else {
			dest = filepath.ToSlash(filepath.Join(filepath.Dir(l.File), path))
		}
		if dest == ".." || strings.HasPrefix(dest, "../") {
			return "points outside the repository"
		}
		if _, err := os.Stat(filepath.Join(root, dest)); err != nil {
			return "no such file " + dest
		}
	}
	if anchor == "" {
		return ""
	}
	if !strings.HasSuffix(dest, ".md") {
		return "an anchor into " + dest + ", which is not a Markdown page"
	}
	d, err := load(dest)
	if err != nil {
		return "read " + dest + ": " + err.Error()
	}
	if !d.Anchors[anchor] {
		return "no heading in " + dest + " has the anchor #" + anchor
	}
	return ""
}
