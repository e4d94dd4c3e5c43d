package io.fleetwarden.health;

import dev.cel.common.CelOptions;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Set;

/** The compiler and runtime options Flux gives cel-go, in cel-java's terms. */
final class CelEnvironment {

    static final Set<String> TYPE_NAMES = Set.of("bool", "bytes", "double", "dyn", "int", "list", "map",
            "null_type", "string", "type", "uint", "optional_type");

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true) // cel.CrossTypeNumericComparisons(true)
            .enableOptionalSyntax(true) // cel.OptionalTypes()
            .build();

    private static final CelOptions HOMOGENEOUS = OPTIONS.toBuilder()
            .enableHomogeneousLiterals(true) // cel.HomogeneousAggregateLiterals(), a checker option
            .build();

    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS),
                    CelExtensions.encoders(OPTIONS))
            .build();

    private CelEnvironment() {
    }

    static CelCompilerBuilder compiler(boolean homogeneousLiterals) {
        CelOptions options = homogeneousLiterals ? HOMOGENEOUS : OPTIONS;
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has, all, exists, exists_one, map, filter
                .addLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(options),
                        CelExtensions.encoders(options));
    }
}
