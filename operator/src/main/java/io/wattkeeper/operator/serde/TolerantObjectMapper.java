package io.wattkeeper.operator.serde;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import jakarta.inject.Singleton;

/**
 * Makes the Kubernetes client (and so every informer of the operator) read our custom resources
 * with {@link TolerantDeserializer}. Built-in kinds are validated by the API server and read as
 * they are.
 */
@Singleton
public class TolerantObjectMapper implements KubernetesClientObjectMapperCustomizer {

  private final UnreadableObjects.Sink sink;

  public TolerantObjectMapper(UnreadableObjects.Sink sink) {
    this.sink = sink;
  }

  @Override
  public void customize(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("wattkeeper-tolerant-crds");
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> deser) {
            Class<?> t = desc.getBeanClass();
            return t == EnergyBudget.class || t == NodeEnergyReport.class
                ? new TolerantDeserializer(deser, t, sink)
                : deser;
          }
        });
    mapper.registerModule(module);
  }
}
