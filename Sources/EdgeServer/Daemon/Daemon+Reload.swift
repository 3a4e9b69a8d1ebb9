import Foundation
import Logging

extension Daemon {
    /// SIGHUP: re-reads the config file and the models directory; the new state replaces the
    /// old in one step only if everything loaded. On any error the daemon keeps serving with
    /// the old config and models and logs why.
    func reload() {
        notifier.reloading()
        let oldLogger = box.value.logger
        do {
            let newConfig = try options.resolveConfig()
            let logger = makeLogger(newConfig.logLevel)
            let catalog = try loadCatalog(newConfig.modelsDir, logger: logger)
            if newConfig.socket != config.socket || newConfig.eventLoopThreads != config.eventLoopThreads {
                logger.warning("socket and event_loop_threads changes need a restart; keeping the current ones")
            }
            if newConfig.inference != config.inference {
                let old = queue!
                queue = InferenceQueue(workers: newConfig.inference.resolvedWorkers, capacity: newConfig.inference.queueCapacity,
                                       retryAfterSeconds: newConfig.inference.retryAfterSeconds, metrics: metrics)
                // Jobs already on the old pool finish there.
                Task.detached { try? await old.shutdown() }
            }
            registry.replaceCatalog(catalog)
            config = newConfig
            box.replace(makeContext(newConfig, logger: logger))
            logger.info("reloaded", metadata: ["models": "\(catalog.names.joined(separator: ","))"])
            notifier.ready(status: "reloaded: serving \(catalog.families.count) model families")
        } catch {
            oldLogger.error("reload failed; keeping the previous config and models", metadata: ["error": "\(error)"])
            notifier.ready(status: "reload failed (kept previous config): \(error)")
        }
    }
}
