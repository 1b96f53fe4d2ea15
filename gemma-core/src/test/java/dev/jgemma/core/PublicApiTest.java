package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every type that the entry points' public methods take or return lives in a package the module
 * exports (or in the JDK): a user on the module path can name it. {@link Backend} used to live in
 * the unexported kernel package.
 */
class PublicApiTest {
    private static Set<String> exportedPackages() {
        Module m = Gemma2Model.class.getModule();
        ModuleDescriptor d = m.isNamed() ? m.getDescriptor() : null;
        if (d == null) {
            // On the class path: read the compiled descriptor next to the classes.
            Path classes = Path.of(Gemma2Model.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            d = ModuleFinder.of(classes).findAll().iterator().next().descriptor();
        }
        return d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    }

    @Test
    void entryPointsOnlyUseExportedTypes() {
        Set<String> exported = exportedPackages();
        assertThat(exported).contains("dev.jgemma.core");
        Set<String> leaks = new TreeSet<>();
        for (Class<?> c : List.of(Gemma2Model.class, ModelOptions.class, Session.class, Gemma2Config.class)) {
            for (Method method : c.getMethods()) {
                if (!Modifier.isPublic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
                    continue;
                }
                List<Class<?>> types = new ArrayList<>(List.of(method.getParameterTypes()));
                types.add(method.getReturnType());
                for (Class<?> t : types) {
                    while (t.isArray()) {
                        t = t.getComponentType();
                    }
                    if (t.isPrimitive() || t.getPackageName().startsWith("java.")) {
                        continue;
                    }
                    if (!exported.contains(t.getPackageName())) {
                        leaks.add(c.getSimpleName() + "." + method.getName() + " uses " + t.getName());
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void backendIsInTheExportedCorePackage() {
        assertThat(Backend.class.getPackageName()).isEqualTo("dev.jgemma.core");
        assertThat(Backend.best()).isIn(Backend.SCALAR, Backend.VECTOR);
    }
}
