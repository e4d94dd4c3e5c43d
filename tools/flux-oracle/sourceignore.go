package main

// Run as "flux-oracle sourceignore", it answers which files source-controller v1.9.4 keeps of an extracted
// OCIRepository layer. Nothing is re-implemented: the files are written to a temporary directory, and the lines of
// source-controller's reconcileArtifact (internal/controller/ocirepository_controller.go, layer operation
// "extract") run over it as they are: sourceignore.LoadIgnorePatterns with the directory's path as the domain,
// spec.ignore read by sourceignore.ReadPatterns, and Storage.Archive through storage.SourceIgnoreFilter, both of
// fluxcd/pkg/artifact v0.18.0 (source-controller v1.9.4 requires v0.18.2, whose only changes are to go.mod and
// go.sum). The archive written is read back: its regular files are the answer.
//
// Input: one JSON object per line, {"files": {"path": "content", ...}, "ignore": "spec.ignore" or null}; paths are
// relative and slash-separated, directories implied. Output: one JSON object per line, {"kept": ["path", ...]}
// sorted, or {"error": "message"}.
//
// Run as "flux-oracle match", it answers Go's path/filepath.Match instead: input {"pattern": "...", "names":
// ["...", ...]}, output {"results": ["match" | "no" | "bad", ...]}, one per name.

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/artifact/storage"
	"github.com/fluxcd/pkg/sourceignore"
)

type ignoreQuery struct {
	Files  map[string]string `json:"files"`
	Ignore *string           `json:"ignore"`
}

type ignoreAnswer struct {
	Kept  []string `json:"kept"`
	Error string   `json:"error,omitempty"`
}

type matchQuery struct {
	Pattern string   `json:"pattern"`
	Names   []string `json:"names"`
}

type matchAnswer struct {
	Results []string `json:"results"`
}

func lines(answer func([]byte) any) {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		if err := out.Encode(answer(in.Bytes())); err != nil {
			os.Exit(3)
		}
	}
	if err := in.Err(); err != nil {
		os.Stderr.WriteString("flux-oracle: " + err.Error() + "\n")
		os.Exit(2)
	}
}

func badInput(err error) {
	os.Stderr.WriteString("flux-oracle: bad input line: " + err.Error() + "\n")
	os.Exit(2)
}

func sourceIgnores() {
	lines(func(line []byte) any {
		var q ignoreQuery
		if err := json.Unmarshal(line, &q); err != nil {
			badInput(err)
		}
		kept, err := archived(q)
		if err != nil {
			return ignoreAnswer{Kept: []string{}, Error: err.Error()}
		}
		return ignoreAnswer{Kept: kept}
	})
}

func archived(q ignoreQuery) ([]string, error) {
	work, err := os.MkdirTemp("", "flux-oracle-sourceignore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	dir := filepath.Join(work, "layer")
	for name, content := range q.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return nil, errors.New("path leaves the layer: " + name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}

	// As source-controller v1.9.4 does for the "extract" layer operation.
	ignoreDomain := strings.Split(dir, string(filepath.Separator))
	ps, err := sourceignore.LoadIgnorePatterns(dir, ignoreDomain)
	if err != nil {
		return nil, err
	}
	if q.Ignore != nil {
		ps = append(ps, sourceignore.ReadPatterns(strings.NewReader(*q.Ignore), ignoreDomain)...)
	}
	s := storage.Storage{BasePath: filepath.Join(work, "storage"), Hostname: "localhost"}
	artifact := meta.Artifact{Path: "ocirepository/ns/name/artifact.tar.gz", Revision: "oracle"}
	if err := s.MkdirAll(artifact); err != nil {
		return nil, err
	}
	if err := s.Archive(&artifact, dir, storage.SourceIgnoreFilter(ps, ignoreDomain)); err != nil {
		return nil, err
	}
	return regularFiles(s.LocalPath(artifact))
}

func regularFiles(archive string) ([]string, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	kept := []string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			kept = append(kept, filepath.ToSlash(h.Name))
		}
	}
	sort.Strings(kept)
	return kept, nil
}

func matches() {
	lines(func(line []byte) any {
		var q matchQuery
		if err := json.Unmarshal(line, &q); err != nil {
			badInput(err)
		}
		a := matchAnswer{Results: make([]string, len(q.Names))}
		for i, name := range q.Names {
			switch ok, err := filepath.Match(q.Pattern, name); {
			case err != nil:
				a.Results[i] = "bad"
			case ok:
				a.Results[i] = "match"
			default:
				a.Results[i] = "no"
			}
		}
		return a
	})
}
