"""The speech_recognition runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="speech_recognition",
    datasets={
        "audio": "metagen.data.speech_data:build_speech_datasets",
    },
    loss="metagen.tasks.speech_recognition.loss:speech_seq2seq_loss",
    evaluator="metagen.tasks.speech_recognition.evaluate:evaluate_speech_seq2seq",
    headline=("wer", "constant_transcript_wer", False),
    predictions="metagen.predictions.transcripts:collect_transcripts",
)
