package dev.herald.spring.internal;

import dev.herald.redis.HeraldNetty;
import io.lettuce.core.resource.ClientResources;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Puts {@link HeraldNetty#customizer()} in the {@code ClientResources} that Spring Boot makes for
 * Lettuce, so that a Pub/Sub bus on the factory's client can pause reading from Redis while its
 * handlers catch up (see {@code RedisEventBus}, "Slow handlers"), as a bus on a URI does.
 *
 * <p>It registers a bean of Spring Boot's {@code ClientResourcesBuilderCustomizer}, whose package
 * differs between Boot 4 ({@code org.springframework.boot.data.redis.autoconfigure}) and 3.5
 * ({@code org.springframework.boot.autoconfigure.data.redis}): the interface present is
 * implemented by a proxy, its one method {@code customize(ClientResources.Builder)} setting the
 * Netty customizer. It runs first of the customizers ({@link Ordered#HIGHEST_PRECEDENCE}), so an
 * application's own Netty customizer replaces it rather than being replaced (a
 * {@code ClientResources} takes one): wrap yours as {@code HeraldNetty.customizer(yours)} to keep
 * both. Nothing happens where the application defines its own {@code ClientResources} bean.
 */
public final class ClientResourcesCustomization implements ImportBeanDefinitionRegistrar {

    /** Spring Boot 4's and 3.5's names of the customizer interface. */
    static final List<String> CUSTOMIZER_INTERFACES = List.of(
            "org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer",
            "org.springframework.boot.autoconfigure.data.redis.ClientResourcesBuilderCustomizer");

    /** The bean's name. */
    static final String BEAN_NAME = "heraldClientResourcesCustomizer";

    /** For Spring. */
    public ClientResourcesCustomization() {
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        ClassLoader loader = ClientResourcesCustomization.class.getClassLoader();
        Class<?> customizer = customizerInterface(loader);
        if (customizer == null || registry.containsBeanDefinition(BEAN_NAME)) {
            return;
        }
        RootBeanDefinition definition = new RootBeanDefinition();
        definition.setTargetType(customizer);
        definition.setInstanceSupplier(() -> Proxy.newProxyInstance(loader, new Class<?>[] {customizer, Ordered.class},
                new Customize(customizer.getSimpleName())));
        registry.registerBeanDefinition(BEAN_NAME, definition);
    }

    static @Nullable Class<?> customizerInterface(ClassLoader loader) {
        for (String name : CUSTOMIZER_INTERFACES) {
            if (ClassUtils.isPresent(name, loader)) {
                return ClassUtils.resolveClassName(name, loader);
            }
        }
        return null;
    }

    /** The customizer's calls: {@code customize(ClientResources.Builder)}, {@code getOrder()} and Object's. */
    private record Customize(String name) implements InvocationHandler {

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) {
            switch (method.getName()) {
                case "customize" -> {
                    if (args != null && args.length == 1 && args[0] instanceof ClientResources.Builder builder) {
                        builder.nettyCustomizer(HeraldNetty.customizer());
                    }
                    return null;
                }
                case "getOrder" -> {
                    return Ordered.HIGHEST_PRECEDENCE;
                }
                case "equals" -> {
                    return args != null && proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "Herald's " + name + " (HeraldNetty.customizer())";
                }
                default -> throw new UnsupportedOperationException(method.toString());
            }
        }
    }
}
