// Command flux-oracle answers, for the differential test of io.fleetwarden.oci's semver selection, what Flux's
// source-controller v1.9.4 decides for an OCIRepository's spec.ref.semver and semverFilter. The decisions are the
// libraries' own: Masterminds/semver/v3 (constraints and ordering, the version source-controller v1.9.4 requires),
// fluxcd/pkg/version (which tags are versions), Go's regexp (the filter) and Go's sort.Sort (ties). Only the order
// of the steps is source-controller's: filter the tags, keep those that are versions and match, take the highest;
// for an OCIRepository whose layerSelector.mediaType is Helm's chart layer, a tag's "_" is read as "+" (after the
// filter) and the pick written back with "_".
//
// With "mode": "chart", it answers for a chart version of an OCI HelmRepository instead (HelmChart spec.version):
// a version fluxcd/pkg/version reads is pulled as written; otherwise the tags as Helm v4's registry client lists them
// (Masterminds' StrictNewVersion after "_" is read as "+", highest first) are matched by the constraint, "" and "*"
// meaning the highest stable version, and the highest match wins.
//
// Run as "flux-oracle proxy", it answers instead which proxy Go's net/http (and so every Flux controller) uses for a
// request URL, from HTTP_PROXY, HTTPS_PROXY and NO_PROXY in its own environment (http.ProxyFromEnvironment reads them
// once, so the caller starts one process per environment): one URL per line in, one JSON object per line out,
// {"proxy": "URL or empty", "error": "message or empty"}.
//
// Run as "flux-oracle sourceignore" or "flux-oracle match", it answers which files source-controller keeps of an
// extracted layer, or what Go's path/filepath.Match says: see sourceignore.go.
//
// Input: one JSON object per line, {"constraint": "...", "filter": "...", "mediaType": "...", "tags": ["..."]}, or
// {"mode": "chart", "constraint": "<spec.version>", "tags": ["..."]}.
// Output: one JSON object per line, {"constraintError": bool, "filterError": bool, "versions": [bool per tag],
// "matches": [bool per tag], "pick": "tag or empty"}; versions and matches ignore the filter. For a chart:
// {"exact": bool, "constraintError": bool, "pick": "version or empty"}.
package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/fluxcd/pkg/version"
)

type query struct {
	Mode       string   `json:"mode"`
	Constraint string   `json:"constraint"`
	Filter     string   `json:"filter"`
	MediaType  string   `json:"mediaType"`
	Tags       []string `json:"tags"`
}

type answer struct {
	Exact           bool   `json:"exact,omitempty"`
	ConstraintError bool   `json:"constraintError"`
	FilterError     bool   `json:"filterError"`
	Versions        []bool `json:"versions"`
	Matches         []bool `json:"matches"`
	Pick            string `json:"pick"`
}

func main() {
	if len(os.Args) == 2 {
		switch os.Args[1] {
		case "proxy":
			proxies()
			return
		case "sourceignore":
			sourceIgnores()
			return
		case "match":
			matches()
			return
		}
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var q query
		if err := json.Unmarshal(in.Bytes(), &q); err != nil {
			os.Stderr.WriteString("flux-oracle: bad input line: " + err.Error() + "\n")
			os.Exit(2)
		}
		a := decide
		if q.Mode == "chart" {
			a = decideChart
		}
		if err := out.Encode(a(q)); err != nil {
			os.Exit(3)
		}
	}
	if err := in.Err(); err != nil {
		os.Stderr.WriteString("flux-oracle: " + err.Error() + "\n")
		os.Exit(2)
	}
}

func decide(q query) answer {
	a := answer{Versions: make([]bool, len(q.Tags)), Matches: make([]bool, len(q.Tags))}
	constraint, err := semver.NewConstraint(q.Constraint)
	a.ConstraintError = err != nil
	for i, tag := range q.Tags {
		v, err := version.ParseVersion(asVersion(tag, q.MediaType))
		a.Versions[i] = err == nil
		a.Matches[i] = err == nil && constraint != nil && constraint.Check(v)
	}
	var filter *regexp.Regexp
	if q.Filter != "" {
		filter, err = regexp.Compile(q.Filter)
		if err != nil {
			a.FilterError = true
			return a
		}
	}
	if constraint == nil {
		return a
	}
	var matching []*semver.Version
	for _, tag := range q.Tags {
		if filter != nil && !filter.MatchString(tag) {
			continue
		}
		v, err := version.ParseVersion(asVersion(tag, q.MediaType))
		if err != nil || !constraint.Check(v) {
			continue
		}
		matching = append(matching, v)
	}
	if len(matching) > 0 {
		sort.Sort(sort.Reverse(semver.Collection(matching)))
		a.Pick = matching[0].Original()
		if q.MediaType == chartLayer {
			a.Pick = strings.ReplaceAll(a.Pick, "+", "_")
		}
	}
	return a
}

// chartLayer is Helm's chart content layer (helm.sh/helm/v4 registry.ChartLayerMediaType).
const chartLayer = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"

// asVersion is a tag as source-controller reads it for semver: "_" is the "+" of build metadata in a chart's tag.
func asVersion(tag, mediaType string) string {
	if mediaType == chartLayer {
		return strings.ReplaceAll(tag, "_", "+")
	}
	return tag
}

func decideChart(q query) answer {
	if _, err := version.ParseVersion(q.Constraint); err == nil {
		return answer{Exact: true, Pick: q.Constraint}
	}
	var listed []*semver.Version
	for _, tag := range q.Tags {
		if v, err := semver.StrictNewVersion(strings.ReplaceAll(tag, "_", "+")); err == nil {
			listed = append(listed, v)
		}
	}
	sort.Sort(sort.Reverse(semver.Collection(listed)))
	if len(listed) == 0 {
		return answer{}
	}
	for _, l := range listed {
		if l.String() == q.Constraint {
			return answer{Pick: l.String()}
		}
	}
	constraint, err := semver.NewConstraint("*")
	if q.Constraint != "" && q.Constraint != "*" {
		constraint, err = semver.NewConstraint(q.Constraint)
	}
	if err != nil {
		return answer{ConstraintError: true}
	}
	var matching []*semver.Version
	for _, l := range listed {
		v, err := version.ParseVersion(l.String())
		if err == nil && constraint.Check(v) {
			matching = append(matching, v)
		}
	}
	if len(matching) == 0 {
		return answer{}
	}
	sort.Sort(sort.Reverse(semver.Collection(matching)))
	return answer{Pick: matching[0].Original()}
}

type proxyAnswer struct {
	Proxy string `json:"proxy"`
	Error string `json:"error"`
}

func proxies() {
	in := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var a proxyAnswer
		req, err := http.NewRequest(http.MethodGet, in.Text(), nil)
		if err != nil {
			a.Error = err.Error()
		} else if proxy, err := http.ProxyFromEnvironment(req); err != nil {
			a.Error = err.Error()
		} else if proxy != nil {
			a.Proxy = proxy.String()
		}
		if err := out.Encode(a); err != nil {
			os.Exit(3)
		}
	}
}
