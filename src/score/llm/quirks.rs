//! Provider and model quirks in one table: what each OpenAI-compatible provider and model family
//! needs in a request (which token-limit field, whether a temperature or a reasoning effort may
//! be sent, how the key is sent, a required query parameter) and how to read what it answers
//! (reasoning text beside the answer, the shape of its errors). Everything else in the client is
//! provider-neutral; a new provider is a row here.

use serde_json::{Value, json};

use crate::config::{LlmConfig, ProviderSetting, ReasoningEffort};

/// The providers papersift knows by their base URL; anything else is treated as plain
/// OpenAI-compatible (vLLM, LM Studio, llama.cpp, LiteLLM, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    /// `api.openai.com`.
    OpenAi,
    /// Azure OpenAI (`*.openai.azure.com`, `*.cognitiveservices.azure.com`, `*.azure-api.net`):
    /// the key in an `api-key` header, an `api-version` query parameter on every call.
    Azure,
    /// GitHub Models (`models.github.ai`, `models.inference.ai.azure.com`): a GitHub token as
    /// the bearer key, model names such as `openai/gpt-5`.
    GitHubModels,
    /// DeepSeek (`api.deepseek.com`): `deepseek-reasoner` answers with `reasoning_content`.
    DeepSeek,
    /// OpenRouter (`openrouter.ai`): reasoning is asked for with a `reasoning` object.
    OpenRouter,
    /// Google's OpenAI-compatible Gemini endpoint (`generativelanguage.googleapis.com`), which
    /// answers errors as a JSON list.
    Gemini,
    /// Ollama (port 11434 by default).
    Ollama,
    /// Any other OpenAI-compatible server, vLLM among them.
    Compatible,
}

/// The `api-version` sent to Azure when the base URL names none: the first that takes
/// `reasoning_effort` and `max_completion_tokens`.
pub(crate) const AZURE_API_VERSION: &str = "2025-04-01-preview";

impl Provider {
    /// The provider `llm.provider` names, or for `auto` the one the base URL's host names.
    pub(crate) fn of(settings: &LlmConfig) -> Provider {
        match settings.provider {
            ProviderSetting::Auto => Provider::detect(&settings.base_url),
            ProviderSetting::OpenAi => Provider::OpenAi,
            ProviderSetting::Azure => Provider::Azure,
            ProviderSetting::GitHub => Provider::GitHubModels,
            ProviderSetting::DeepSeek => Provider::DeepSeek,
            ProviderSetting::OpenRouter => Provider::OpenRouter,
            ProviderSetting::Gemini => Provider::Gemini,
            ProviderSetting::Ollama => Provider::Ollama,
            ProviderSetting::Compatible => Provider::Compatible,
        }
    }

    /// The provider of a base URL, by host (and Ollama's default port).
    pub(crate) fn detect(base_url: &str) -> Provider {
        let Ok(url) = reqwest::Url::parse(base_url.trim()) else {
            return Provider::Compatible;
        };
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let is = |suffix: &str| host == suffix || host.ends_with(&format!(".{suffix}"));
        if is("api.openai.com") {
            Provider::OpenAi
        } else if is("models.github.ai") || is("models.inference.ai.azure.com") {
            Provider::GitHubModels
        } else if is("openai.azure.com")
            || is("cognitiveservices.azure.com")
            || is("azure-api.net")
            || is("services.ai.azure.com")
        {
            Provider::Azure
        } else if is("api.deepseek.com") {
            Provider::DeepSeek
        } else if is("openrouter.ai") {
            Provider::OpenRouter
        } else if is("generativelanguage.googleapis.com") {
            Provider::Gemini
        } else if url.port() == Some(11434) {
            Provider::Ollama
        } else {
            Provider::Compatible
        }
    }

    /// How the API key is sent.
    pub(crate) fn auth(self) -> Auth {
        match self {
            Provider::Azure => Auth::ApiKeyHeader,
            _ => Auth::Bearer,
        }
    }

    /// Whether the provider's embeddings endpoint takes `dimensions` (Ollama's does not).
    pub(crate) fn takes_embedding_dimensions(self) -> bool {
        !matches!(self, Provider::Ollama)
    }

    /// A query parameter every call must carry, unless the base URL has it already.
    pub(crate) fn required_query(self) -> Option<(&'static str, &'static str)> {
        match self {
            Provider::Azure => Some(("api-version", AZURE_API_VERSION)),
            _ => None,
        }
    }
}

/// How the key reaches the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Authorization: Bearer KEY`.
    Bearer,
    /// `api-key: KEY` (Azure), and no `Authorization` header, which Azure would read as an
    /// Entra ID token.
    ApiKeyHeader,
}

/// Whether `model` is one of OpenAI's reasoning models (gpt-5, o1, o3, o4 families), which take
/// `max_completion_tokens` and `reasoning_effort` and accept only their default temperature.
/// A provider prefix (`openai/gpt-5`) is ignored; `gpt-5-chat*` is the non-reasoning chat model.
pub(crate) fn is_openai_reasoning_model(model: &str) -> bool {
    let bare = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    if bare.starts_with("gpt-5") {
        return !bare.starts_with("gpt-5-chat");
    }
    ["o1", "o3", "o4"]
        .iter()
        .any(|family| bare == *family || bare.starts_with(&format!("{family}-")))
}

/// The request fields that differ by provider and model, decided once per scorer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RequestShape {
    pub(crate) provider: Provider,
    reasoning_model: bool,
    temperature: Option<f64>,
    max_tokens: Option<u32>,
    effort: ReasoningEffort,
}

impl RequestShape {
    pub(crate) fn new(settings: &LlmConfig) -> RequestShape {
        RequestShape {
            provider: Provider::of(settings),
            reasoning_model: is_openai_reasoning_model(&settings.model),
            temperature: settings.temperature,
            max_tokens: settings.max_tokens,
            effort: settings.reasoning_effort,
        }
    }

    /// Adds the provider- and model-specific fields to a chat-completions `body`:
    /// - a temperature only when the user set one (reasoning models reject anything but their
    ///   default, so the provider's default is the safe choice);
    /// - the answer cap as `max_completion_tokens` for reasoning models (they reject
    ///   `max_tokens`), as `max_tokens` elsewhere (older servers know no other);
    /// - the reasoning effort only for reasoning models: `reasoning_effort` for OpenAI, Azure
    ///   and GitHub Models, OpenRouter's `reasoning` object there; never for other models,
    ///   which reject or misread it.
    pub(crate) fn apply(&self, body: &mut Value) {
        if let Some(temperature) = self.temperature {
            body["temperature"] = json!(temperature);
        }
        if let Some(cap) = self.max_tokens {
            let field = if self.reasoning_model {
                "max_completion_tokens"
            } else {
                "max_tokens"
            };
            body[field] = json!(cap);
        }
        if self.reasoning_model {
            let effort = self.effort.as_str();
            match self.provider {
                Provider::OpenRouter => {
                    body["reasoning"] = json!({"effort": effort, "exclude": true});
                }
                _ => body["reasoning_effort"] = json!(effort),
            }
        }
    }
}

/// The answer text of a chat-completions `message`. Reasoning text that some providers put
/// beside it (DeepSeek's `reasoning_content`, OpenRouter's `reasoning`) is never the answer.
pub(crate) fn answer_text(message: &Value) -> String {
    match &message["content"] {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter(|part| part["type"].as_str().is_none_or(|kind| kind == "text"))
            .filter_map(|part| part["text"].as_str())
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// The `error` object of an error body: OpenAI's `{"error": {...}}`, or Gemini's list of them.
pub(crate) fn error_object(body: &Value) -> &Value {
    match body {
        Value::Array(items) => items.first().map_or(&Value::Null, |item| &item["error"]),
        _ => &body["error"],
    }
}

/// A request refused because of one of the settings the user controls: the parameter, and the
/// fix in words for the run line, the day record and `doctor --online`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RejectedSetting {
    pub(crate) parameter: String,
    pub(crate) fix: String,
}

/// Reads a 400 answer that names an unsupported parameter or value (OpenAI's `param` with code
/// `unsupported_parameter` / `unsupported_value`, or the same in the message text, as Azure,
/// GitHub Models and proxies pass it on) and says how to fix the config.
pub(crate) fn rejected_setting(
    body: &str,
    model: &str,
    settings: &LlmConfig,
) -> Option<RejectedSetting> {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let error = error_object(&value);
    let message = error["message"]
        .as_str()
        .or_else(|| value["message"].as_str())
        .unwrap_or(body);
    let lower = message.to_ascii_lowercase();
    let code = error["code"].as_str().unwrap_or("");
    let named_parameter = error["param"].as_str().map(str::to_string);
    let about_a_parameter = code.starts_with("unsupported")
        || lower.contains("unsupported parameter")
        || lower.contains("unsupported value")
        || lower.contains("unrecognized request argument")
        || lower.contains("not supported with this model")
        || lower.contains("does not support");
    if !about_a_parameter {
        return None;
    }
    let parameter = named_parameter.or_else(|| {
        [
            "temperature",
            "max_tokens",
            "reasoning_effort",
            "response_format",
            "max_completion_tokens",
        ]
        .into_iter()
        .find(|name| lower.contains(name))
        .map(str::to_string)
    })?;
    let fix = match parameter.as_str() {
        "temperature" => {
            let value = settings
                .temperature
                .map_or_else(|| "its default".to_string(), |t| format!("{t:?}"));
            format!(
                "model {model} does not accept temperature {value}: remove `temperature` from [llm] or set it to 1"
            )
        }
        "max_tokens" | "max_completion_tokens" => {
            format!("model {model} does not accept {parameter}: remove `max_tokens` from [llm]")
        }
        "reasoning_effort" | "reasoning" => format!(
            "model {model} does not accept reasoning_effort {}: set `reasoning_effort` in [llm] to one it takes (gpt-5: minimal, low, medium, high; gpt-5.1 and later: none, low, medium, high)",
            settings.reasoning_effort.as_str()
        ),
        "response_format" => format!(
            "model {model} does not accept response_format: set `structured_output = false` in [llm]"
        ),
        other => format!("model {model} does not accept the parameter {other}"),
    };
    Some(RejectedSetting { parameter, fix })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(base_url: &str, model: &str, change: impl FnOnce(&mut LlmConfig)) -> Value {
        let mut settings = LlmConfig {
            base_url: base_url.into(),
            model: model.into(),
            ..LlmConfig::default()
        };
        change(&mut settings);
        let mut body = json!({"model": model});
        RequestShape::new(&settings).apply(&mut body);
        body
    }

    #[test]
    fn providers_are_known_by_their_host() {
        for (url, provider) in [
            ("https://api.openai.com/v1", Provider::OpenAi),
            (
                "https://my-res.openai.azure.com/openai/deployments/gpt5?api-version=2025-04-01-preview",
                Provider::Azure,
            ),
            ("https://models.github.ai/inference", Provider::GitHubModels),
            ("https://api.deepseek.com", Provider::DeepSeek),
            ("https://openrouter.ai/api/v1", Provider::OpenRouter),
            (
                "https://generativelanguage.googleapis.com/v1beta/openai/",
                Provider::Gemini,
            ),
            ("http://localhost:11434/v1", Provider::Ollama),
            ("http://127.0.0.1:8000/v1", Provider::Compatible),
            ("not a url", Provider::Compatible),
        ] {
            assert_eq!(Provider::detect(url), provider, "{url}");
        }
    }

    #[test]
    fn reasoning_models_are_the_gpt_5_and_o_families() {
        for model in [
            "gpt-5",
            "gpt-5-mini",
            "gpt-5.4",
            "openai/gpt-5",
            "o1",
            "o3-mini",
            "o4-mini",
        ] {
            assert!(is_openai_reasoning_model(model), "{model}");
        }
        for model in [
            "gpt-4.1-mini",
            "gpt-5-chat-latest",
            "gpt-4o",
            "deepseek-reasoner",
            "o1x",
            "llama3.1",
        ] {
            assert!(!is_openai_reasoning_model(model), "{model}");
        }
    }

    #[test]
    fn a_reasoning_model_gets_effort_and_max_completion_tokens_and_no_default_temperature() {
        let body = shape("https://api.openai.com/v1", "gpt-5", |s| {
            s.max_tokens = Some(4000)
        });
        assert_eq!(body["reasoning_effort"], "low");
        assert_eq!(body["max_completion_tokens"], 4000);
        assert!(body.get("max_tokens").is_none());
        assert!(body.get("temperature").is_none());
        // A temperature the user set is sent as given.
        let body = shape("https://api.openai.com/v1", "gpt-5", |s| {
            s.temperature = Some(1.0)
        });
        assert_eq!(body["temperature"], 1.0);
    }

    #[test]
    fn other_models_never_get_a_reasoning_effort() {
        for (url, model) in [
            ("https://api.openai.com/v1", "gpt-4.1-mini"),
            ("https://api.deepseek.com", "deepseek-reasoner"),
            (
                "https://generativelanguage.googleapis.com/v1beta/openai",
                "gemini-2.5-flash",
            ),
            ("http://localhost:11434/v1", "llama3.1"),
        ] {
            let body = shape(url, model, |s| s.max_tokens = Some(500));
            assert!(body.get("reasoning_effort").is_none(), "{model}");
            assert!(body.get("reasoning").is_none(), "{model}");
            assert_eq!(body["max_tokens"], 500, "{model}");
        }
    }

    #[test]
    fn openrouter_asks_for_reasoning_with_its_own_object() {
        let body = shape("https://openrouter.ai/api/v1", "openai/gpt-5", |s| {
            s.reasoning_effort = ReasoningEffort::Medium
        });
        assert_eq!(
            body["reasoning"],
            json!({"effort": "medium", "exclude": true})
        );
        assert!(body.get("reasoning_effort").is_none());
    }

    #[test]
    fn reasoning_text_is_never_the_answer() {
        let message =
            json!({"content": "{\"ARXIVID\": \"1\"}", "reasoning_content": "Let me think"});
        assert_eq!(answer_text(&message), "{\"ARXIVID\": \"1\"}");
        let parts = json!({"content": [{"type": "reasoning", "text": "hm"}, {"type": "text", "text": "ok"}]});
        assert_eq!(answer_text(&parts), "ok");
    }

    #[test]
    fn an_unsupported_temperature_is_explained_with_the_fix() {
        let body = r#"{"error": {"message": "Unsupported value: 'temperature' does not support 0.0 with this model. Only the default (1) value is supported.", "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}"#;
        let settings = LlmConfig {
            temperature: Some(0.0),
            ..LlmConfig::default()
        };
        let rejected = rejected_setting(body, "gpt-5", &settings).unwrap();
        assert_eq!(
            rejected.fix,
            "model gpt-5 does not accept temperature 0.0: remove `temperature` from [llm] or set it to 1"
        );
        // Gemini's list-shaped error, naming the field only in its text.
        let gemini = r#"[{"error": {"code": 400, "message": "Unsupported parameter: 'max_completion_tokens' is not supported with this model.", "status": "INVALID_ARGUMENT"}}]"#;
        let rejected = rejected_setting(gemini, "gemini-2.5-flash", &settings).unwrap();
        assert_eq!(rejected.parameter, "max_completion_tokens");
        // A 400 about something else is no setting's fault.
        let other = r#"{"error": {"message": "This model's maximum context length is 128000 tokens.", "code": "context_length_exceeded"}}"#;
        assert_eq!(rejected_setting(other, "gpt-5", &settings), None);
    }
}
