// Command kustomize-controller-oracle is a TEST ORACLE: it answers which objects Flux's kustomize-controller v1.9.4
// builds for a Kustomization (kustomize.toolkit.fluxcd.io/v1) over a set of files, by calling the code
// kustomize-controller calls, at the versions its go.mod requires (see go.mod). FluxLayerDifferentialTest compares
// fleetwarden's Flux layer (FluxOverlay, Substitution, GeneratedKustomization, KustomizationSpec) with it.
//
// Input: one JSON object per line,
//
//	{"files": {"relative/path": "content", ...}, "kustomization": <the Kustomization object>, "vars": {...}}
//
// A path ending in "/" makes an empty directory. "vars" (optional) are added to spec.postBuild.substitute (a
// variable already there wins), so a caller can hand over variables without writing a postBuild.
// Output: one JSON object per line, {"objects": [<object>...], "error": "message or empty"}.
//
// Which steps are whose (kustomize-controller v1.9.4's internal/controller/kustomization_controller.go, functions
// reconcile, generate, build and apply):
//   - OUR GLUE: reading the query, writing the files into a fresh temporary directory (the artifact's root, tmpDir
//     in kustomize-controller), merging "vars" into the object, refusing spec.postBuild.substituteFrom (no cluster
//     to read ConfigMaps and Secrets from: out of scope) and spec.decryption (not run here), and the JSON answer.
//   - KUSTOMIZE-CONTROLLER'S CODE, called in its order with its arguments: the typed Kustomization converted with
//     runtime.DefaultUnstructuredConverter.ToUnstructured (so empty fields are left out as in the controller);
//     securejoin.SecureJoin(tmpDir, spec.path) and the "kustomization path not found" check;
//     generator.NewGenerator(tmpDir, obj).WriteFile(dirPath) (fluxcd/pkg/kustomize); generator.SecureBuild(tmpDir,
//     dirPath, false) (remote bases off: kustomize-controller's --no-remote-bases); per resource the
//     apiVersion/kind/name check and, when spec.postBuild is set, generator.SubstituteVariables with
//     SubstituteWithStrict(false) (the controller's default) and SubstituteWithAlways(substituteStrategy ==
//     Always), then m.Replace; m.AsYaml(); ssautil.ReadObjects; ssautil.SetCommonMetadata (fluxcd/pkg/ssa) when
//     spec.commonMetadata is set.
//   - LEFT OUT on purpose: SOPS decryption, ssa.SetOwnerLabels (the owner labels; fleetwarden's are compared
//     elsewhere) and normalize.UnstructuredList (a typed round trip that adds protocol: TCP to ports and the like,
//     defaults the API server applies anyway), which run at apply time, not build time.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	generator "github.com/fluxcd/pkg/kustomize"
	ssautil "github.com/fluxcd/pkg/ssa/utils"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

type query struct {
	Files         map[string]string `json:"files"`
	Kustomization json.RawMessage   `json:"kustomization"`
	Vars          map[string]string `json:"vars"`
}

type answer struct {
	Objects []map[string]any `json:"objects"`
	Error   string           `json:"error"`
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var a answer
			var q query
			if jerr := json.Unmarshal(line, &q); jerr != nil {
				a.Error = "oracle: bad query: " + jerr.Error()
			} else {
				objects, berr := run(q)
				a.Objects = objects
				if berr != nil {
					a.Error = berr.Error()
					a.Objects = nil
				}
			}
			if a.Objects == nil {
				a.Objects = []map[string]any{}
			}
			if eerr := enc.Encode(a); eerr != nil {
				fmt.Fprintln(os.Stderr, "kustomize-controller-oracle:", eerr)
				os.Exit(1)
			}
			if ferr := out.Flush(); ferr != nil {
				os.Exit(1)
			}
		}
		if err != nil {
			return
		}
	}
}

// run answers one query in a temporary directory of its own, removed afterwards.
func run(q query) ([]map[string]any, error) {
	// Our glue: the artifact, as the controller's fetcher would have untarred it into tmpDir.
	tmpDir, err := os.MkdirTemp("", "kustomization-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmpDir)
	for name, content := range q.Files {
		target, err := securejoin.SecureJoin(tmpDir, name)
		if err != nil {
			return nil, fmt.Errorf("oracle: file %q: %w", name, err)
		}
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return nil, err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}

	obj := &kustomizev1.Kustomization{}
	if err := json.Unmarshal(q.Kustomization, obj); err != nil {
		return nil, fmt.Errorf("oracle: bad kustomization: %w", err)
	}
	if len(q.Vars) > 0 {
		if obj.Spec.PostBuild == nil {
			obj.Spec.PostBuild = &kustomizev1.PostBuild{}
		}
		if obj.Spec.PostBuild.Substitute == nil {
			obj.Spec.PostBuild.Substitute = map[string]string{}
		}
		for k, v := range q.Vars {
			if _, set := obj.Spec.PostBuild.Substitute[k]; !set {
				obj.Spec.PostBuild.Substitute[k] = v
			}
		}
	}
	if obj.Spec.PostBuild != nil && len(obj.Spec.PostBuild.SubstituteFrom) > 0 {
		return nil, errors.New("oracle: spec.postBuild.substituteFrom is out of scope (no cluster)")
	}
	if obj.Spec.Decryption != nil {
		return nil, errors.New("oracle: spec.decryption is out of scope")
	}

	// kustomize-controller's reconcile: check build path exists.
	dirPath, err := securejoin.SecureJoin(tmpDir, obj.Spec.Path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dirPath); err != nil {
		return nil, fmt.Errorf("kustomization path not found: %w", err)
	}

	// kustomize-controller's reconcile: generate kustomization.yaml if needed.
	k, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := unstructured.Unstructured{Object: k}
	if _, err := generator.NewGenerator(tmpDir, u).WriteFile(dirPath); err != nil {
		return nil, err
	}

	// kustomize-controller's build (without the decryptor).
	m, err := generator.SecureBuild(tmpDir, dirPath, false)
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}
	for _, res := range m.Resources() {
		if res.GetName() == "" || res.GetKind() == "" || res.GetApiVersion() == "" {
			return nil, fmt.Errorf("failed to decode Kubernetes apiVersion, kind and name from: %v", res.String())
		}
		if obj.Spec.PostBuild != nil {
			always := obj.GetSubstituteStrategy() == kustomizev1.SubstituteStrategyAlways
			// The client is only used for substituteFrom, refused above.
			outRes, err := generator.SubstituteVariables(context.Background(), nil, u, res,
				generator.SubstituteWithStrict(false),
				generator.SubstituteWithAlways(always))
			if err != nil {
				return nil, fmt.Errorf("post build failed for '%s/%s': %w", res.GetGvk(), res.GetName(), err)
			}
			if outRes != nil {
				if _, err = m.Replace(res); err != nil {
					return nil, err
				}
			}
		}
	}
	resources, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}

	// kustomize-controller's reconcile and apply: the objects, then commonMetadata.
	objects, err := ssautil.ReadObjects(bytes.NewReader(resources))
	if err != nil {
		return nil, err
	}
	if cmeta := obj.Spec.CommonMetadata; cmeta != nil {
		ssautil.SetCommonMetadata(objects, cmeta.Labels, cmeta.Annotations)
	}

	// Our glue: the answer.
	out := make([]map[string]any, 0, len(objects))
	for _, o := range objects {
		out = append(out, o.Object)
	}
	return out, nil
}
