// Command semver-oracle answers, for the differential test of io.fleetwarden.oci's semver selection, what Flux's
// source-controller v1.9.4 decides for an OCIRepository's spec.ref.semver and semverFilter. The decisions are the
// libraries' own: Masterminds/semver/v3 (constraints and ordering, the version source-controller v1.9.4 requires),
// fluxcd/pkg/version (which tags are versions), Go's regexp (the filter) and Go's sort.Sort (ties). Only the order
// of the steps is source-controller's: filter the tags, keep those that are versions and match, take the highest.
//
// Input: one JSON object per line, {"constraint": "...", "filter": "...", "tags": ["..."]}.
// Output: one JSON object per line, {"constraintError": bool, "filterError": bool, "versions": [bool per tag],
// "matches": [bool per tag], "pick": "tag or empty"}. versions and matches ignore the filter.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"sort"

	"github.com/Masterminds/semver/v3"
	"github.com/fluxcd/pkg/version"
)

type query struct {
	Constraint string   `json:"constraint"`
	Filter     string   `json:"filter"`
	Tags       []string `json:"tags"`
}

type answer struct {
	ConstraintError bool   `json:"constraintError"`
	FilterError     bool   `json:"filterError"`
	Versions        []bool `json:"versions"`
	Matches         []bool `json:"matches"`
	Pick            string `json:"pick"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var q query
		if err := json.Unmarshal(in.Bytes(), &q); err != nil {
			os.Stderr.WriteString("semver-oracle: bad input line: " + err.Error() + "\n")
			os.Exit(2)
		}
		if err := out.Encode(decide(q)); err != nil {
			os.Exit(3)
		}
	}
	if err := in.Err(); err != nil {
		os.Stderr.WriteString("semver-oracle: " + err.Error() + "\n")
		os.Exit(2)
	}
}

func decide(q query) answer {
	a := answer{Versions: make([]bool, len(q.Tags)), Matches: make([]bool, len(q.Tags))}
	constraint, err := semver.NewConstraint(q.Constraint)
	a.ConstraintError = err != nil
	for i, tag := range q.Tags {
		v, err := version.ParseVersion(tag)
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
		v, err := version.ParseVersion(tag)
		if err != nil || !constraint.Check(v) {
			continue
		}
		matching = append(matching, v)
	}
	if len(matching) > 0 {
		sort.Sort(sort.Reverse(semver.Collection(matching)))
		a.Pick = matching[0].Original()
	}
	return a
}
