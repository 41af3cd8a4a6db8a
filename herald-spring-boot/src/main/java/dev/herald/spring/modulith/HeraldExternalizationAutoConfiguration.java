package dev.herald.spring.modulith;

import dev.herald.EventBus;
import dev.herald.spring.boot.HeraldAutoConfiguration;
import dev.herald.spring.internal.BusStartGate;
import dev.herald.spring.internal.ExternalizationTransport;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.support.DelegatingEventExternalizer;

/**
 * Externalizes Spring Modulith's application events to Redis through the application's
 * {@link EventBus}, as Spring Modulith's own broker modules do to Kafka or AMQP. An event marked
 * for externalization ({@code @Externalized("order.placed")}, or selected and routed by an
 * {@link EventExternalizationConfiguration} bean) is published after its transaction commits: the
 * routing target names the Herald event type (the CloudEvents {@code type}), a routing key
 * ({@code "order.placed::#{orderId()}"}) becomes the {@code subject}, the configuration's headers
 * become extension attributes, and the event object is the payload, serialized by the bus's codec.
 *
 * <p>Spring Modulith's event publication registry records each publication with the transaction
 * and marks it completed once Redis accepted the event; a publish that fails (Redis gone past the
 * bus's publish timeout) leaves it incomplete, to be resubmitted
 * ({@code IncompleteEventPublications}, or on restart with
 * {@code spring.modulith.events.republish-outstanding-events-on-restart}, which Spring Modulith
 * does before the bus has started: those publishes wait for it). So an event is never sent for a
 * rolled-back transaction, and one committed survives a crash or an outage between commit and
 * publish; it may be sent twice (at least once).
 *
 * <p>Active when Spring Modulith's {@code spring-modulith-events-core} is on the class path, its
 * externalization is on ({@code spring.modulith.events.externalization.enabled}) and the
 * application has one {@code EventBus}; {@code herald.modulith.externalization.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = HeraldAutoConfiguration.class,
        afterName = "org.springframework.modulith.events.config.EventExternalizationAutoConfiguration")
@ConditionalOnClass({EventBus.class, DelegatingEventExternalizer.class})
@ConditionalOnBean(EventExternalizationConfiguration.class)
@ConditionalOnProperty(name = "spring.modulith.events.externalization.enabled", matchIfMissing = true)
public class HeraldExternalizationAutoConfiguration {

    /** For Spring. */
    public HeraldExternalizationAutoConfiguration() {
    }

    /**
     * The externalizer, a transactional event listener of Spring Modulith's that publishes through
     * the bus.
     *
     * @param configuration which events are externalized, and where to
     * @param bus the bus
     * @param beanFactory for bean references in routing expressions
     * @param started opens once the bus has started
     * @return the externalizer
     */
    @Bean
    @ConditionalOnSingleCandidate(EventBus.class)
    @ConditionalOnProperty(name = "herald.modulith.externalization.enabled", matchIfMissing = true)
    DelegatingEventExternalizer heraldEventExternalizer(EventExternalizationConfiguration configuration, EventBus bus,
            BeanFactory beanFactory, BusStartGate started) {
        StandardEvaluationContext context = new StandardEvaluationContext();
        context.setBeanResolver(new BeanFactoryResolver(beanFactory));
        return new DelegatingEventExternalizer(configuration,
                new ExternalizationTransport(bus, configuration, context, started));
    }

    /**
     * Holds the publications Spring Modulith resubmits before the bus has started, as it does
     * with {@code spring.modulith.events.republish-outstanding-events-on-restart}, until it has.
     *
     * @return the gate
     */
    @Bean
    @ConditionalOnSingleCandidate(EventBus.class)
    @ConditionalOnProperty(name = "herald.modulith.externalization.enabled", matchIfMissing = true)
    BusStartGate heraldBusStartGate() {
        return new BusStartGate();
    }
}
