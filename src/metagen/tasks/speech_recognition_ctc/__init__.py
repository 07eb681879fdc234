"""The speech_recognition_ctc runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="speech_recognition_ctc",
    datasets={
        "audio": "metagen.data.speech_data:build_ctc_speech_datasets",
    },
    loss="metagen.tasks.speech_recognition_ctc.loss:speech_ctc_loss",
    evaluator="metagen.tasks.speech_recognition_ctc.evaluate:evaluate_speech_ctc",
    headline=("wer", "constant_transcript_wer", False),
    predictions="metagen.predictions.transcripts:collect_transcripts",
)
