package io.fleetwarden.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link SourceIgnore} and {@link IgnorePattern}: which files of an extracted layer are kept, rule by rule, as
 * source-controller v1.9.4 keeps them ({@link SourceIgnoreDifferentialTest} checks against it directly).
 */
class SourceIgnoreTest {

    /** What {@code flux push artifact} of a whole repository root may carry. */
    private static final Map<String, String> REPOSITORY_ROOT = files(".github/workflows/ci.yaml", ".git/config",
            ".gitignore", "cloudbuild.yaml", "clusters/prod/.sops.yaml", "clusters/prod/kustomization.yaml",
            "clusters/prod/app.yaml", "docs/logo.png", "README.md");

    @Test
    void withoutPatternsTheDefaultsDropCiConfigsImagesSopsFilesAndGit() throws Exception {
        assertThat(kept(REPOSITORY_ROOT, null)).containsExactly("README.md", "clusters/prod/app.yaml",
                "clusters/prod/kustomization.yaml");
    }

    @Test
    void anEmptyOrCommentOnlySpecIgnoreKeepsTheDefaults() throws Exception {
        assertThat(kept(REPOSITORY_ROOT, "")).isEqualTo(kept(REPOSITORY_ROOT, null));
        assertThat(kept(REPOSITORY_ROOT, "# nothing\n\n \t\n\u00a0\n")).isEqualTo(kept(REPOSITORY_ROOT, null));
    }

    @Test
    void oneSpecIgnorePatternReplacesTheDefaultsButNotTheGitPatterns() throws Exception {
        assertThat(kept(REPOSITORY_ROOT, "README.md")).containsExactly(".github/workflows/ci.yaml", "cloudbuild.yaml",
                "clusters/prod/.sops.yaml", "clusters/prod/app.yaml", "clusters/prod/kustomization.yaml",
                "docs/logo.png");
        // Even a pattern that can match nothing counts as one.
        assertThat(kept(REPOSITORY_ROOT, "!")).contains("cloudbuild.yaml", "docs/logo.png")
                .doesNotContain(".git/config", ".gitignore");
    }

    @Test
    void aSourceIgnoreFileAnywhereReplacesTheDefaultsAndIsKeptItself() throws Exception {
        Map<String, String> files = new TreeMap<>(REPOSITORY_ROOT);
        files.put("clusters/.sourceignore", "# the sops config stays out\nprod/.sops.yaml\n");

        assertThat(kept(files, null)).containsExactly(".github/workflows/ci.yaml", "README.md", "cloudbuild.yaml",
                "clusters/.sourceignore", "clusters/prod/app.yaml", "clusters/prod/kustomization.yaml",
                "docs/logo.png");
    }

    @Test
    void aSourceIgnoreFileWithoutPatternsKeepsTheDefaults() throws Exception {
        Map<String, String> files = new TreeMap<>(REPOSITORY_ROOT);
        files.put(".sourceignore", "# nothing to add\n\n");

        assertThat(kept(files, null)).containsExactly(".sourceignore", "README.md", "clusters/prod/app.yaml",
                "clusters/prod/kustomization.yaml");
    }

    @Test
    void aNestedSourceIgnoreAppliesOnlyUnderItsDirectory() throws Exception {
        Map<String, String> files = files("a/x.yaml", "a/b/x.yaml", "b/x.yaml", "x.yaml");
        files.put("a/.sourceignore", "x.yaml\n/b\n");

        assertThat(kept(files, null)).containsExactly("a/.sourceignore", "b/x.yaml", "x.yaml");
    }

    @Test
    void aSourceIgnoreUnderAGitDirectoryIsNotRead() throws Exception {
        Map<String, String> files = files("app.yaml", "logo.png");
        files.put(".git/.sourceignore", "app.yaml\n");
        files.put("vendor/.git/sub/.sourceignore", "app.yaml\n");

        assertThat(kept(files, null)).containsExactly("app.yaml");
    }

    @Test
    void theLastMatchWinsSpecIgnoreOverSourceIgnoreDeeperOverHigher() throws Exception {
        Map<String, String> files = files("a/b/c.yaml", "a/b/d.yaml", "a/e.yaml", "f.yaml");
        files.put(".sourceignore", "*.yaml\n");
        files.put("a/.sourceignore", "!*.yaml\n");
        files.put("a/b/.sourceignore", "c.yaml\n");

        assertThat(kept(files, null)).containsExactly(".sourceignore", "a/.sourceignore", "a/b/.sourceignore",
                "a/b/d.yaml", "a/e.yaml");
        assertThat(kept(files, "!c.yaml\n!/f.yaml")).containsExactly(".sourceignore", "a/.sourceignore",
                "a/b/.sourceignore", "a/b/c.yaml", "a/b/d.yaml", "a/e.yaml", "f.yaml");
    }

    @Test
    void aNegationReincludesAFileUnderAnExcludedDirectoryUnlikeGit() throws Exception {
        assertThat(kept(files("deploy/app.yaml", "deploy/other.yaml"), "deploy/\n!deploy/app.yaml"))
                .containsExactly("deploy/app.yaml");
        assertThat(kept(files(".git/config", "a.yaml"), "!.git/config")).containsExactly(".git/config", "a.yaml");
    }

    @Test
    void fluxDocumentationsExcludeAllButDeployExample() throws Exception {
        Map<String, String> files = files("apps/a.yaml", "deploy/app.yaml", "deploy/README.md", "deploy/x/notes.txt",
                "deploy/x/y.yaml", "top.yaml");

        assertThat(kept(files, "# exclude all\n/*\n# include deploy dir\n!/deploy\n"
                + "# exclude file extensions from deploy dir\n/deploy/**/*.md\n/deploy/**/*.txt\n"))
                .containsExactly("deploy/app.yaml", "deploy/x/y.yaml");
    }

    @Test
    void aPatternWithASlashMatchesAPrefixOfThePathFromItsRoot() throws Exception {
        Map<String, String> files = files("deploy/app/x.yaml", "deploy/apps.yaml", "other/deploy/app/x.yaml");

        assertThat(kept(files, "deploy/app")).containsExactly("deploy/apps.yaml", "other/deploy/app/x.yaml");
        assertThat(kept(files, "deploy/app*")).containsExactly("other/deploy/app/x.yaml");
    }

    @Test
    void aTrailingDoubleStarAlsoMatchesAFileOfTheDirectorysName() throws Exception {
        assertThat(kept(files("a", "b/c"), "a/**\nb/**")).isEmpty();
    }

    @Test
    void aSimpleNameMatchesAnySegmentAndATrailingSlashOnlyDirectories() throws Exception {
        Map<String, String> files = files("build", "x/build/out.yaml", "sub/.git", "sub/.github", "y/build.yaml");

        assertThat(kept(files, "build/")).containsExactly("build", "sub/.git", "sub/.github", "y/build.yaml");
        assertThat(kept(files, "build")).containsExactly("sub/.git", "sub/.github", "y/build.yaml");
        // The defaults: ".git/" and ".github/" are directory patterns, so files of those names stay.
        assertThat(kept(files, null)).containsExactly("build", "sub/.git", "sub/.github", "x/build/out.yaml",
                "y/build.yaml");
    }

    @Test
    void aSegmentAfterDoubleStarIsMatchedOnceWithoutBacktracking() throws Exception {
        assertThat(kept(files("x/a/b", "a/a/b", "a/b"), "**/a/b")).containsExactly("a/a/b");
    }

    @Test
    void doubleStarInsideASegmentMatchesNothingButIsAStarInASimpleName() throws Exception {
        Map<String, String> files = files("a/bx", "a/c/bx");

        assertThat(kept(files, "a/b**")).containsExactly("a/bx", "a/c/bx");
        assertThat(kept(files, "b**")).isEmpty();
    }

    @Test
    void onlyTrailingSpacesAreTrimmedAndAnEscapedOneIsKept() throws Exception {
        Map<String, String> files = files("app.yaml", "app.yaml ", " app.yaml");

        assertThat(kept(files, "app.yaml   ")).containsExactly(" app.yaml", "app.yaml ");
        assertThat(kept(files, "app.yaml\\ ")).containsExactly(" app.yaml", "app.yaml");
        assertThat(kept(files, "app.yaml\t")).containsExactly(" app.yaml", "app.yaml", "app.yaml ");
        // The "!" goes before the spaces are looked at: this re-includes " app.yaml" (nothing excluded it).
        assertThat(kept(files, "*\n! app.yaml")).containsExactly(" app.yaml");
    }

    @Test
    void commentsStartAtTheFirstCharacterAndEscapesMakeHashAndBangLiteral() throws Exception {
        Map<String, String> files = files("#notes", "!x", "x", "a.yaml");

        assertThat(kept(files, "#notes")).containsExactly("!x", "#notes", "a.yaml", "x");
        assertThat(kept(files, "\\#notes\n\\!x")).containsExactly("a.yaml", "x");
        assertThat(kept(files, " #notes")).containsExactly("!x", "#notes", "a.yaml", "x");
    }

    @Test
    void crlfLineEndsAreRead() throws Exception {
        assertThat(kept(files("a.yaml", "b.yaml", "c.yaml"), "a.yaml\r\nb.yaml\r\n")).containsExactly("c.yaml");
    }

    @Test
    void aMalformedClassMatchesNothingButStillCountsAsAPattern() throws Exception {
        assertThat(kept(files("[a", "logo.png"), "[a")).containsExactly("[a", "logo.png");
    }

    @Test
    void classesAndEscapesMatchNamesWithGlobCharacters() throws Exception {
        Map<String, String> files = files("*", "a", "[a]", "x.yaml", "x.yml");

        assertThat(kept(files, "\\*\n\\[a]")).containsExactly("a", "x.yaml", "x.yml");
        assertThat(kept(files, "[a]")).containsExactly("*", "[a]", "x.yaml", "x.yml");
        assertThat(kept(files, "x.y[^m]*")).containsExactly("*", "[a]", "a", "x.yml");
    }

    @Test
    void theTreeIsReturnedAsItIsWhenNothingIsDroppedAndItsBytesAreShared() throws Exception {
        ArtifactTree tree = tree(files("a.yaml", "b/c.yaml"));
        assertThat(SourceIgnore.compile(tree, null).filter(tree)).isSameAs(tree);

        ArtifactTree filtered = SourceIgnore.compile(tree, "a.yaml").filter(tree);
        assertThat(filtered.paths()).containsExactly("b/c.yaml");
        assertThat(filtered.readShared("b/c.yaml").orElseThrow()).isSameAs(tree.readShared("b/c.yaml").orElseThrow());
    }

    @Test
    void aSpecIgnoreOverTheBoundsIsRefusedNamingTheLine() {
        String tooMany = "x\n".repeat(SourceIgnore.MAX_PATTERNS_PER_SOURCE + 1);
        String longLine = "ok\n" + "a".repeat(SourceIgnore.MAX_LINE_BYTES + 1) + "\n";

        SourceIgnore.checkSpec("x\n".repeat(SourceIgnore.MAX_PATTERNS_PER_SOURCE) + "# comments do not count\n");
        assertThatThrownBy(() -> SourceIgnore.checkSpec(tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.ignore: more than 1000 patterns");
        assertThatThrownBy(() -> SourceIgnore.checkSpec(longLine))
                .hasMessage("spec.ignore: line 2 is longer than 4096 bytes");
        assertThatThrownBy(() -> SourceIgnore.checkSpec("# " + "c".repeat(SourceIgnore.MAX_LINE_BYTES)))
                .hasMessage("spec.ignore: line 1 is longer than 4096 bytes");
    }

    @Test
    void anArtifactsSourceIgnoreOverTheBoundsRefusesTheArtifact() {
        Map<String, String> tooMany = files("a.yaml");
        tooMany.put("deep/.sourceignore", "x\n".repeat(SourceIgnore.MAX_PATTERNS_PER_SOURCE + 1));
        Map<String, String> tooManyInAll = files("a.yaml");
        for (int i = 0; i < 11; i++) {
            tooManyInAll.put("d" + i + "/.sourceignore", "x\n".repeat(SourceIgnore.MAX_PATTERNS_PER_SOURCE));
        }

        assertThatThrownBy(() -> SourceIgnore.compile(tree(tooMany), null)).isInstanceOf(SourceIgnore.Refused.class)
                .hasMessage("ignore rules refused: deep/.sourceignore: more than 1000 patterns")
                .extracting(e -> ((SourceIgnore.Refused) e).conditionReason()).isEqualTo("SourceIgnoreError");
        assertThatThrownBy(() -> SourceIgnore.compile(tree(tooManyInAll), null))
                .hasMessageStartingWith("ignore rules refused: the .sourceignore files and spec.ignore hold more "
                        + "than 10000 patterns in all");
    }

    @Test
    void judgingATreeBeyondTheComparisonBudgetIsRefused() throws Exception {
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            files.put("a".repeat(100) + i + ".yaml", "");
        }
        ArtifactTree tree = tree(files);
        SourceIgnore starHeavy = SourceIgnore.compile(tree, "*a*a*a*" + "a".repeat(50) + "b\n");

        assertThat(starHeavy.filter(tree).fileCount()).isEqualTo(50);
        assertThatThrownBy(() -> starHeavy.filter(tree, 10_000)).isInstanceOf(SourceIgnore.Refused.class)
                .hasMessage("ignore rules refused: judging the 50 files against the ignore rules takes more than "
                        + "10000 comparisons; simplify spec.ignore or the .sourceignore files");
    }

    private static java.util.List<String> kept(Map<String, String> files, String specIgnore) throws Exception {
        ArtifactTree tree = tree(files);
        return SourceIgnore.compile(tree, specIgnore).filter(tree).paths();
    }

    private static ArtifactTree tree(Map<String, String> files) {
        Map<String, byte[]> bytes = new TreeMap<>();
        files.forEach((p, c) -> bytes.put(p, c.getBytes(StandardCharsets.UTF_8)));
        return ArtifactTree.of(bytes);
    }

    private static Map<String, String> files(String... paths) {
        Map<String, String> out = new TreeMap<>();
        for (String p : paths) {
            out.put(p, "");
        }
        return out;
    }
}
